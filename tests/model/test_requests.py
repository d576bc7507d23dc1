"""model.requests.NewestWins: newest-wins drawings between threads, and forgetting a cleared drawing for good."""

import threading

import numpy as np

from model.requests import NewestWins, Request


def req(generation: int) -> Request:
    return Request.of(generation, np.full((28, 28), generation / 100, np.float32))


def test_the_newest_pending_request_wins():
    box = NewestWins()
    box.post(req(1))
    box.post(req(2))
    assert box.take().generation == 2
    assert box.take() is None


def test_an_older_request_does_not_replace_a_newer_pending_one():
    box = NewestWins()
    box.post(req(3))
    box.post(req(2))
    assert box.take().generation == 3


def test_the_last_request_served_is_refreshed_only_when_due():
    box = NewestWins()
    box.post(req(1))
    box.take()
    assert box.last().generation == 1
    assert box.due(3600) is None  # served just now
    assert box.due(-1).generation == 1


def test_a_cleared_drawing_taken_before_the_clear_never_comes_back_as_the_last_one():
    """The old engine read and wrote its last request outside the lock: a clear between a take and the write let
    the cleared drawing be re-classified every 0.3 s during training."""
    box = NewestWins()
    box.post(req(5))
    taken = box.take()  # the engine is about to classify it ...
    box.forget(5)  # ... when the canvas is cleared
    assert taken.generation == 5
    assert box.last() is None and box.due(-1) is None
    assert box.post(req(5)) is False  # a late post of the cleared drawing is dropped too
    assert box.take() is None
    assert box.post(req(6)) is True and box.take().generation == 6


def test_forget_drops_everything_so_far_by_default():
    box = NewestWins()
    box.post(req(1))
    box.take()
    box.post(req(2))
    box.forget()
    assert box.take() is None and box.last() is None and not box.has_pending()


def test_clearing_while_another_thread_takes_never_revives_a_cleared_drawing():
    box = NewestWins()
    errors, revived = [], []
    stop = threading.Event()

    def server():
        try:
            while not stop.is_set():
                box.take()
                floor = forgotten[0]  # forgotten before this point: due() must never give it back
                last = box.due(-1)
                if last is not None and last.generation <= floor:
                    revived.append(last.generation)
        except Exception as exc:  # the old code raised AttributeError here
            errors.append(exc)

    forgotten = [0]
    thread = threading.Thread(target=server)
    thread.start()
    for generation in range(1, 3000):
        box.post(req(generation))
        if generation % 3 == 0:
            box.forget(generation)
            forgotten[0] = generation
    stop.set()
    thread.join()
    assert errors == []
    assert revived == []
