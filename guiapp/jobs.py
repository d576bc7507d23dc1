"""The names of the engine's jobs, as the controller reports them in ``jobChanged`` ("" when idle)."""

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
