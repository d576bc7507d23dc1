"""The engine's jobs and phases: the names the controller reports (``jobChanged``: "" when idle) and their texts."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STARTING = "starting"
TRAINING = "training"
EVALUATING = "evaluating"
AUTO_EVALUATING = "evaluating the run"  # the automatic evaluation after a run: a new run may take its place
FINE_TUNING = "fine-tuning"
OPENING_MODEL = "opening model"
SAVING = "saving"
OPENING_DATASET = "opening dataset"
REVERTING = "reverting"
EXPORTING = "exporting"
STOPPABLE = (TRAINING, EVALUATING, AUTO_EVALUATING, FINE_TUNING)
YIELDS_TO_TRAIN = ("", AUTO_EVALUATING)  # Train is allowed in these states

# What the status line says in each of the engine's phases (``phaseChanged``), in English: show phase_text(phase).
PHASE_TEXT = {
    "loading": QT_TRANSLATE_NOOP("Phases", "Loading TensorFlow…"),
    "loading model": QT_TRANSLATE_NOOP("Phases", "Loading the model…"),
    "loading data": QT_TRANSLATE_NOOP("Phases", "Loading the dataset…"),
    "compiling": QT_TRANSLATE_NOOP("Phases", "Building and compiling the model…"),
    "training": QT_TRANSLATE_NOOP("Phases", "Training…"),
    "validating": QT_TRANSLATE_NOOP("Phases", "Validating…"),
    "testing": QT_TRANSLATE_NOOP("Phases", "Evaluating on the test set…"),
    "paused": QT_TRANSLATE_NOOP("Phases", "Paused"),
    "evaluating": QT_TRANSLATE_NOOP("Phases", "Evaluating…"),
    "saving": QT_TRANSLATE_NOOP("Phases", "Saving…"),
    "exporting": QT_TRANSLATE_NOOP("Phases", "Exporting and checking the export…"),
    "fine-tuning": QT_TRANSLATE_NOOP("Phases", "Fine-tuning on your samples…"),
    "idle": QT_TRANSLATE_NOOP("Phases", "Ready"),
    "broken": QT_TRANSLATE_NOOP("Phases", "TensorFlow could not be loaded"),
}


def phase_text(phase: str) -> str:
    """What the status line says in ``phase``, in the language the app shows.

    Fine-tuning reports its measurements as phases in their own words (model messages): those are translated too.
    """
    if phase in PHASE_TEXT:
        return QCoreApplication.translate("Phases", PHASE_TEXT[phase])
    from guiapp.i18n import message_for

    return message_for(phase)


# The jobs by name, as the status line names a job that is in the way ("not now, the engine is busy (training)").
JOB_TEXT = {
    STARTING: QT_TRANSLATE_NOOP("Jobs", "starting"),
    TRAINING: QT_TRANSLATE_NOOP("Jobs", "training"),
    EVALUATING: QT_TRANSLATE_NOOP("Jobs", "evaluating"),
    AUTO_EVALUATING: QT_TRANSLATE_NOOP("Jobs", "evaluating the run"),
    FINE_TUNING: QT_TRANSLATE_NOOP("Jobs", "fine-tuning"),
    OPENING_MODEL: QT_TRANSLATE_NOOP("Jobs", "opening model"),
    SAVING: QT_TRANSLATE_NOOP("Jobs", "saving"),
    OPENING_DATASET: QT_TRANSLATE_NOOP("Jobs", "opening dataset"),
    REVERTING: QT_TRANSLATE_NOOP("Jobs", "reverting"),
    EXPORTING: QT_TRANSLATE_NOOP("Jobs", "exporting"),
}


def job_text(job: str) -> str:
    """A job's name in the language the app shows (an unknown job as it is)."""
    return QCoreApplication.translate("Jobs", JOB_TEXT[job]) if job in JOB_TEXT else job
