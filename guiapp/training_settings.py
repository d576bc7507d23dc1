"""The training panel's settings form: recipe, epochs, batch size, optimiser, learning rate, validation split,
seed and how many training images, with labels and tooltips in the current language."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QSpinBox

from guiapp.i18n import RetranslateMixin
from model.recipes import DEFAULT_LR, OPTIMIZERS, RECIPES, recipe

# The settings form's labels, in the order of its rows.
FORM_LABELS = (
    QT_TRANSLATE_NOOP("SettingsForm", "Recipe"), QT_TRANSLATE_NOOP("SettingsForm", "Epochs"),
    QT_TRANSLATE_NOOP("SettingsForm", "Batch size"), QT_TRANSLATE_NOOP("SettingsForm", "Optimiser"),
    QT_TRANSLATE_NOOP("SettingsForm", "Learning rate"), QT_TRANSLATE_NOOP("SettingsForm", "Validation split"),
    QT_TRANSLATE_NOOP("SettingsForm", "Random seed"), QT_TRANSLATE_NOOP("SettingsForm", "Training images"),
)



def _named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget


class SettingsForm(RetranslateMixin, QGroupBox):
    """The hyperparameters of the next run; a recipe's choice fills in its values (recipe and optimiser names stay
    as Keras and the recipes spell them)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        self.recipe_combo = _named(QComboBox(), "recipeCombo")
        self.recipe_combo.addItems(RECIPES)
        self.epochs_spin = _named(QSpinBox(), "epochsSpin")
        self.epochs_spin.setRange(1, 1000)
        self.batch_spin = _named(QSpinBox(), "batchSizeSpin")
        self.batch_spin.setRange(1, 1_000_000)
        self.optimizer_combo = _named(QComboBox(), "optimizerCombo")
        self.optimizer_combo.addItems(OPTIMIZERS)
        self.lr_spin = _named(QDoubleSpinBox(), "learningRateSpin")
        self.lr_spin.setDecimals(5)
        self.lr_spin.setRange(0.00001, 1e7)
        self.lr_spin.setSingleStep(0.0005)
        self.val_spin = _named(QDoubleSpinBox(), "validationSplitSpin")
        self.val_spin.setRange(0.0, 0.5)
        self.val_spin.setSingleStep(0.05)
        self.val_spin.setDecimals(2)
        self.seed_spin = _named(QSpinBox(), "seedSpin")
        self.seed_spin.setRange(0, 2**31 - 1)
        self.limit_spin = _named(QSpinBox(), "trainLimitSpin")
        self.limit_spin.setRange(0, 60000)
        self.limit_spin.setSingleStep(1000)
        self._form_labels = []
        fields = (self.recipe_combo, self.epochs_spin, self.batch_spin, self.optimizer_combo, self.lr_spin,
                  self.val_spin, self.seed_spin, self.limit_spin)
        for field in fields:
            label = QLabel()
            label.setWordWrap(True)
            form.addRow(label, field)
            self._form_labels.append(label)
        self.recipe_combo.currentTextChanged.connect(self._on_recipe_changed)
        self.optimizer_combo.currentTextChanged.connect(self._on_optimizer_changed)
        self._on_recipe_changed("seed")
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Settings"))
        for label, text in zip(self._form_labels, FORM_LABELS):
            label.setText(QCoreApplication.translate("SettingsForm", text))
        self.recipe_combo.setToolTip(
            self.tr("seed: the tutorial's recipe, unchanged. robust: augmented, for real handwriting.")
        )
        self.limit_spin.setSpecialValueText(self.tr("all"))
        self.limit_spin.setToolTip(
            self.tr("Train on the first N training images only (all = 60,000), for quick experiments.")
        )

    @Slot(str)
    def _on_recipe_changed(self, name: str):
        cfg = recipe(name)
        self.epochs_spin.setValue(cfg.epochs)
        self.batch_spin.setValue(cfg.batch_size)
        self.optimizer_combo.setCurrentText(cfg.optimizer)
        self.lr_spin.setValue(cfg.lr())
        self.val_spin.setValue(cfg.validation_split)
        self.seed_spin.setValue(cfg.seed)

    @Slot(str)
    def _on_optimizer_changed(self, name: str):
        self.lr_spin.setValue(DEFAULT_LR.get(name, 0.001))

    def values(self) -> dict:
        """The settings as saved between sessions."""
        return {
            "recipe": self.recipe_combo.currentText(),
            "epochs": self.epochs_spin.value(),
            "batch_size": self.batch_spin.value(),
            "optimizer": self.optimizer_combo.currentText(),
            "learning_rate": self.lr_spin.value(),
            "validation_split": self.val_spin.value(),
            "seed": self.seed_spin.value(),
            "limit_train": self.limit_spin.value(),
        }

    def restore(self, values: dict):
        """Put back saved settings; a damaged value leaves the default."""
        try:
            if values.get("recipe") in RECIPES:
                self.recipe_combo.setCurrentText(values["recipe"])
            if values.get("optimizer") in OPTIMIZERS:
                self.optimizer_combo.setCurrentText(values["optimizer"])
            for key, spin, cast in (
                ("epochs", self.epochs_spin, int),
                ("batch_size", self.batch_spin, int),
                ("learning_rate", self.lr_spin, float),
                ("validation_split", self.val_spin, float),
                ("seed", self.seed_spin, int),
                ("limit_train", self.limit_spin, int),
            ):
                if key in values and values[key] is not None:
                    spin.setValue(cast(values[key]))
        except (TypeError, ValueError):
            pass  # a damaged settings file must not stop the app: defaults stay
