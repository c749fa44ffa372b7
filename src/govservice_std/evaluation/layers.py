"""How a locality's standard, scoring models and review policy are read from its chain.

This is the only evaluation code that reads the registry. It provides these parts of a
:class:`~govservice_std.registry.ResolvedLocality`:

* ``standard`` — every layer's ``criteria.toml``, parent first
  (see ``govservice_std.evaluation.overlays`` for what a layer may change);
* ``scoring_models`` — the built-in models and those the chain's plugins contribute through
  the ``govservice_scoring_models`` hook;
* ``scoring_model`` — the model the standard chooses;
* ``review_policy`` — the 好差评 follow-up deadlines set by the standard's ``reviews.*``
  parameters.

>>> from govservice_std import load_registry
>>> resolved = load_registry(autoload=False).resolve("000000")
>>> str(resolved.standard.criterion("QS-02").defined_by.layer)
'000000'
>>> resolved.scoring_model.name
'weighted'
>>> resolve_scoring_model(resolved, "flat").name
'flat'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govservice_std.errors import DataProblem, InvalidDataError, PluginContractError
from govservice_std.evaluation.overlays import CRITERIA_FILE, CriteriaDocument, _Builder
from govservice_std.evaluation.reviews import ReviewPolicy
from govservice_std.evaluation.scoring import ScoringModel, builtin_scoring_models
from govservice_std.evaluation.standard import Standard
from govservice_std.localities import Provenance
from govservice_std.registry import ResolvedLocality, source_name
from govservice_std.serialization import load

__all__ = [
    "PARTS",
    "resolve_review_policy",
    "resolve_scoring_model",
    "resolve_scoring_models",
    "resolve_standard",
]


def resolve_standard(resolved: ResolvedLocality) -> Standard:
    """Read the effective standard of a resolved locality: every layer's ``criteria.toml``.

    Use :attr:`ResolvedLocality.standard <govservice_std.registry.ResolvedLocality.standard>`,
    which computes this once.

    Raises:
        InvalidDataError: If a layer's file is invalid or names an id not in force; the
            message names the file and the plugin that ships it.
    """
    builder = _Builder()
    for info, file in resolved.layer_files(CRITERIA_FILE):
        source = source_name(info, file)
        document = load(file, CriteriaDocument, source=source)
        prov = Provenance(info.code, info.plugin.name, CRITERIA_FILE)
        builder.apply(document, prov, source)
    return builder.build(resolved.code)


def resolve_scoring_models(resolved: ResolvedLocality) -> dict[str, ScoringModel]:
    """The scoring models a locality knows: the built-in ones, then its chain's plugins'.

    Raises:
        PluginContractError: If a plugin returns something that is not a scoring model or
            reuses a name.
    """
    models = builtin_scoring_models()
    for info in resolved.chain:
        plugin = info.plugin
        contributed = resolved.host.call_scoped(
            "govservice_scoring_models",
            plugin.name,
            ScoringModel,  # type: ignore[type-abstract]
            locality=info.locality,
        )
        for model in contributed:
            if model.name in models:
                raise plugin.error(
                    PluginContractError,
                    f"scoring model name {model.name!r} is already taken",
                    hook="govservice_scoring_models",
                )
            models[model.name] = model
    return models


def resolve_scoring_model(resolved: ResolvedLocality, name: str | None = None) -> ScoringModel:
    """The scoring model named ``name``, or by default the one the standard chooses.

    Looks among :attr:`ResolvedLocality.scoring_models
    <govservice_std.registry.ResolvedLocality.scoring_models>`.

    Raises:
        InvalidDataError: If no model has that name; the message names the layer that
            chose it.
        PluginContractError: If a plugin returns something that is not a scoring model or
            reuses a name.
    """
    models = resolved.scoring_models
    if name is None:
        standard = resolved.standard
        name = standard.scoring
        chosen_by: str | None = f"criteria.toml of layer {standard.scoring_set_by}"
    else:
        chosen_by = None
    model = models.get(name)
    if model is None:
        known = ", ".join(models)
        raise InvalidDataError(
            [DataProblem("scoring", f"unknown scoring model {name!r} (known: {known})")],
            source=chosen_by,
        )
    return model


def resolve_review_policy(resolved: ResolvedLocality) -> ReviewPolicy:
    """The 好差评 follow-up policy of a locality's standard (defaults where it is silent)."""
    return ReviewPolicy.from_standard(resolved.standard)


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {
    "standard": resolve_standard,
    "scoring_models": resolve_scoring_models,
    "scoring_model": resolve_scoring_model,
    "review_policy": resolve_review_policy,
}
"""The parts of a resolved locality this module provides."""
