"""The engine's jobs and phases: the names the controller reports (``jobChanged``: "" when idle) and their texts."""

STARTING = "starting"
TRAINING = "training"
EVALUATING = "evaluating"
AUTO_EVALUATING = "evaluating the run"  # the automatic evaluation after a run: a new run may take its place
FINE_TUNING = "fine-tuning"
OPENING_MODEL = "opening model"
SAVING = "saving"
OPENING_DATASET = "opening dataset"
REVERTING = "reverting"
STOPPABLE = (TRAINING, EVALUATING, AUTO_EVALUATING, FINE_TUNING)
YIELDS_TO_TRAIN = ("", AUTO_EVALUATING)  # Train is allowed in these states

# What the status line says in each of the engine's phases (``phaseChanged``).
PHASE_TEXT = {
    "loading": "Loading TensorFlow…",
    "loading model": "Loading the model…",
    "loading data": "Loading the dataset…",
    "compiling": "Building and compiling the model…",
    "training": "Training…",
    "validating": "Validating…",
    "testing": "Evaluating on the test set…",
    "paused": "Paused",
    "evaluating": "Evaluating…",
    "saving": "Saving…",
    "fine-tuning": "Fine-tuning on your samples…",
    "idle": "Ready",
    "broken": "TensorFlow could not be loaded",
}
