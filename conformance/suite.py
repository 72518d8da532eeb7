"""Binds every scenario of every policy pack to pytest, with the kit's and the packs' step phrases.

``conformance run`` collects this module; the kit's own test command collects it through
``tests/test_policy_packs.py``; a vendor's pytest collects it by naming it. Collecting it is what
switches the kit's plugin on: nothing of the kit acts in a pytest run that does not.
"""

from pytest_bdd import scenarios

from policy_conformance import plugin
from policy_conformance.bdd_private import register_while_binding
from policy_conformance.packs import load_packs
from policy_conformance.paths import pack_roots
from policy_conformance.phrases import step_modules
from policy_conformance.steps import MODULES

register_while_binding(plugin, plugin.NAME)

pytest_plugins = [*MODULES, *step_modules(load_packs())]

for _root in pack_roots():
    scenarios(str(_root / "features"))
