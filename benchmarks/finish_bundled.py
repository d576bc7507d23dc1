"""The robust recipe's last step for the bundled model: a few more epochs of the same data at a tenth of the rate.

The recipe's Adam keeps one learning rate (TrainConfig and the Trainer take one constant rate), and at 1e-3 the
MNIST test accuracy moves by about +-0.1 % from epoch to epoch at the end. Continuing the trained model for
``--epochs`` epochs at ``--learning-rate`` on the recipe's own data (the same MNIST, pen writers 1-24 and
non-digits, the same augmentation; never writers 25-30) settles it, as a decaying rate would.

Usage (after ``digit-trainer-cli train --recipe robust --data ../shared/data/mnist.npz --out /tmp/stage1.keras``):
``python benchmarks/finish_bundled.py --model /tmp/stage1.keras --out resources/bundled_robust.keras``
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="the robust recipe's trained model")
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", default="../shared/data/mnist.npz")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--learning-rate", type=float, default=1e-4)
    ap.add_argument("--variants", type=int, help="pen digit renderings (default: the recipe's)")
    args = ap.parse_args(argv)

    from model.recipes import recipe
    from model.session import ModelSession
    from model.storage import load_model, save_model
    from model.training import Trainer, run_data

    model, meta = load_model(args.model)
    cfg = recipe("robust", epochs=args.epochs, learning_rate=args.learning_rate, seed=1,
                 pen_digit_variants=args.variants)
    session = ModelSession(args.data, log=lambda t: print(t, file=sys.stderr, flush=True))
    data = run_data(session.dataset(), cfg, log=session.log)
    t0 = time.time()
    model, result = Trainer(cfg).run(data, model=model)
    print(f"{result.epochs_done} more epochs at {args.learning_rate:g} in {time.time() - t0:.0f} s; "
          f"MNIST test {meta.get('test_accuracy')} -> {result.test_accuracy:.4f}")
    meta = dict(meta)
    meta.update(
        test_accuracy=result.test_accuracy,
        test_loss=result.test_loss,
        finish={"epochs": result.epochs_done, "learning_rate": args.learning_rate, "seed": cfg.seed,
                "pen_digit_variants": cfg.pen_digit_variants, "seconds": round(result.seconds, 1)},
    )
    save_model(model, args.out, meta)
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
