"""planparse: Chinese government action plans → structured, verifiable records.

>>> import planparse
>>> plan = planparse.parse_text("一、主要任务\\n1.治理扬尘。\\n牵头单位：区住建局\\n责任单位：七办一镇")
>>> plan.tasks[0].lead_units[0].canonical
'区住房和城乡建设局'
"""

from planparse.errors import GrammarError, InputError, PlanparseError
from planparse.models import Deadline, Issue, Metadata, Plan, Section, Source, Span, Target, Task, Unit
from planparse.options import Options
from planparse.pipeline import parse, parse_text

__all__ = [
    "Deadline",
    "GrammarError",
    "InputError",
    "Issue",
    "Metadata",
    "Options",
    "Plan",
    "PlanparseError",
    "Section",
    "Source",
    "Span",
    "Target",
    "Task",
    "Unit",
    "parse",
    "parse_text",
]
__version__ = "0.1.0"
