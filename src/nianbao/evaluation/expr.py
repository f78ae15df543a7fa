"""The rubric's formula language: arithmetic over cells, findings and metadata, safely.

A formula is parsed by Python's own parser in ``eval`` mode (so the grammar is familiar and the
error positions exact), then every node is checked against a short whitelist and compiled into
closures. Nothing is ever handed to ``eval``/``exec``; attribute access, subscripts, lambdas,
comprehensions, ``**`` and calls to anything but the functions listed in the rubric's function
table are refused with a Chinese message that names the column.

    t3.new_received.total                    a cell by canonical key (or a row role, see facts.py)
    ratio(results("denied"), t3.results_total.total)
    findings("T3_*", "T4_*", severity="error")
    clamp(1 - value / 60, 0, 1)              `value`, `sample`: names a rubric field may use
    0 if days_late() <= 0 else days_late()

Undefined is ``None`` and propagates: a blank cell, a zero denominator or a missing date make the
whole formula undefined, never silently 0 (``coalesce(x, 0)`` says so explicitly).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_LENGTH = 2000  # a formula is a line or two; longer input is a mistake or an attack
MAX_NODES = 400

Value = float | bool | None


class FormulaError(ValueError):
    """A formula that cannot be compiled; `line`/`column` are 1-based within the formula text."""

    def __init__(self, message: str, line: int = 1, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Env(Protocol):
    """What a compiled formula reads: cells, the rubric's context functions, and named values."""

    def cell(self, ref: str) -> float | None: ...

    def call(self, name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Value: ...

    def var(self, name: str) -> Value: ...


@dataclass(frozen=True)
class Function:
    """A function a formula may call.

    `strings`: positions (and keyword names) that take a string literal (a group, a code pattern, a
    part); `check` validates those literals at compile time and returns a Chinese error or None.
    `impl` is set for pure functions; context functions (impl None) are answered by `Env.call`.
    """

    name: str
    min_args: int
    max_args: int | None
    strings: frozenset[int] = frozenset()  # positional indexes; -1 = every position
    keywords: frozenset[str] = frozenset()
    check: Callable[[list[Any], dict[str, Any]], str | None] | None = None
    impl: Callable[..., Value] | None = None
    doc: str = ""

    def takes_string(self, index: int) -> bool:
        return -1 in self.strings or index in self.strings


@dataclass(frozen=True)
class Formula:
    """A compiled formula: call it with an `Env`."""

    source: str
    run: Callable[[Env], Value] = field(repr=False, compare=False)
    cells: frozenset[str] = frozenset()  # cell references, as written
    calls: frozenset[str] = frozenset()
    calls_with: tuple[tuple[str, tuple[Any, ...]], ...] = ()  # (function, literal args) for tooling

    def __call__(self, env: Env) -> Value:
        return self.run(env)


# --- pure functions --------------------------------------------------------------------------
def _num(v: Value) -> float | None:
    if v is None:
        return None
    return float(v)


def _sum(*xs: Value) -> Value:
    vals = [_num(x) for x in xs]
    return None if any(v is None for v in vals) else float(sum(vals))  # type: ignore[arg-type]


def _ratio(num: Value, den: Value) -> Value:
    n, d = _num(num), _num(den)
    if n is None or d is None or d <= 0:
        return None
    return n / d


def _min(*xs: Value) -> Value:
    vals = [_num(x) for x in xs]
    return None if any(v is None for v in vals) else min(vals)  # type: ignore[type-var]


def _max(*xs: Value) -> Value:
    vals = [_num(x) for x in xs]
    return None if any(v is None for v in vals) else max(vals)  # type: ignore[type-var]


def _abs(x: Value) -> Value:
    v = _num(x)
    return None if v is None else abs(v)


def _clamp(x: Value, lo: Value, hi: Value) -> Value:
    v, a, b = _num(x), _num(lo), _num(hi)
    if v is None or a is None or b is None:
        return None
    return min(max(v, a), b)


def _coalesce(*xs: Value) -> Value:
    return next((x for x in xs if x is not None), None)


def _round(x: Value, digits: Value = 0) -> Value:
    v, d = _num(x), _num(digits)
    return None if v is None or d is None else round(v, int(d))


def _defined(x: Value) -> Value:
    return x is not None


PURE: dict[str, Function] = {
    f.name: f
    for f in (
        Function("sum", 1, None, impl=_sum, doc="各项之和；任一项无值则无值"),
        Function("ratio", 2, 2, impl=_ratio, doc="a ÷ b；b 为 0 或无值则无值"),
        Function("min", 1, None, impl=_min, doc="最小值"),
        Function("max", 1, None, impl=_max, doc="最大值"),
        Function("abs", 1, 1, impl=_abs, doc="绝对值"),
        Function("clamp", 3, 3, impl=_clamp, doc="clamp(x, 下限, 上限)"),
        Function("coalesce", 1, None, impl=_coalesce, doc="第一个有值的参数，如 coalesce(x, 0)"),
        Function("round", 1, 2, impl=_round, doc="四舍五入"),
        Function("defined", 1, 1, impl=_defined, doc="有值为真"),
    )
}


# --- compiler --------------------------------------------------------------------------------
def _arith(op: Callable[[float, float], float]) -> Callable[[Value, Value], Value]:
    def apply(a: Value, b: Value) -> Value:
        if a is None or b is None:
            return None
        return op(float(a), float(b))

    return apply


def _div(a: float, b: float) -> float | None:
    if b == 0:
        return None
    return a / b


_BINOPS: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: _arith(operator.add),
    ast.Sub: _arith(operator.sub),
    ast.Mult: _arith(operator.mul),
    ast.Div: _arith(_div),  # type: ignore[arg-type]
}
_BINOP_ZH = {ast.Pow: "**（乘方）", ast.FloorDiv: "//", ast.Mod: "%（取余）", ast.MatMult: "@"}
_CMPOPS: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class _Compiler:
    def __init__(
        self,
        functions: Mapping[str, Function],
        names: Collection[str],
        cell_check: Callable[[str], str | None],
        cell_roots: Collection[str],
    ) -> None:
        self.functions = functions
        self.names = set(names)
        self.cell_check = cell_check
        self.cell_roots = set(cell_roots)
        self.cells: set[str] = set()
        self.calls: set[str] = set()
        self.calls_with: list[tuple[str, tuple[Any, ...]]] = []

    def fail(self, node: ast.AST, message: str) -> FormulaError:
        line: int = getattr(node, "lineno", 1)
        col: int = getattr(node, "col_offset", 0) + (0 if line == 1 else 1)  # line 1 starts after "("
        return FormulaError(message, line, max(col, 1))

    def compile(self, node: ast.AST) -> Callable[[Env], Value]:
        if isinstance(node, ast.Expression):
            return self.compile(node.body)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self.fail(node, f"此处只能是数字，不能是“{v!r}”")
            if not math.isfinite(float(v)):
                raise self.fail(node, "数字超出范围")
            fv = float(v)
            return lambda env: fv
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                sym = _BINOP_ZH.get(type(node.op), type(node.op).__name__)
                raise self.fail(node, f"不支持的运算符 {sym}（可用 + - * /）")
            left, right = self.compile(node.left), self.compile(node.right)
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.UnaryOp):
            inner = self.compile(node.operand)
            if isinstance(node.op, ast.USub):
                return lambda env: None if (v := inner(env)) is None else -float(v)
            if isinstance(node.op, ast.UAdd):
                return inner
            if isinstance(node.op, ast.Not):
                return lambda env: None if (v := inner(env)) is None else not v
            raise self.fail(node, "不支持的运算符 ~")
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda env: _and([p(env) for p in parts])
            return lambda env: _or([p(env) for p in parts])
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            cond, yes, no = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)

            def choose(env: Env) -> Value:
                c = cond(env)
                if c is None:
                    return None
                return yes(env) if c else no(env)

            return choose
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._reference(node)
        raise self.fail(node, _refused(node))

    def _compare(self, node: ast.Compare) -> Callable[[Env], Value]:
        items = [self.compile(node.left), *(self.compile(c) for c in node.comparators)]
        ops = []
        for op in node.ops:
            fn = _CMPOPS.get(type(op))
            if fn is None:
                raise self.fail(node, "不支持的比较（可用 < <= > >= == !=）")
            ops.append(fn)

        def compare(env: Env) -> Value:
            vals = [i(env) for i in items]
            if any(v is None for v in vals):
                return None
            return all(op(float(a), float(b)) for op, a, b in zip(ops, vals, vals[1:], strict=False))  # type: ignore[arg-type]

        return compare

    def _call(self, node: ast.Call) -> Callable[[Env], Value]:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "只能调用评估细则提供的函数")
        name = node.func.id
        fn = self.functions.get(name)
        if fn is None:
            known = "、".join(sorted(self.functions))
            raise self.fail(node, f"未知函数“{name}”；可用：{known}")
        n = len(node.args)
        if n < fn.min_args or (fn.max_args is not None and n > fn.max_args):
            want = f"{fn.min_args}" if fn.max_args == fn.min_args else f"{fn.min_args}–{fn.max_args or '多'}"
            raise self.fail(node, f"函数 {name} 需要 {want} 个参数，给了 {n} 个")
        literal_args: list[Any] = []
        compiled: list[Callable[[Env], Value] | None] = []
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, "不支持 * 展开参数")
            if fn.takes_string(i):
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    raise self.fail(arg, f"函数 {name} 的第 {i + 1} 个参数应为带引号的文字")
                literal_args.append(arg.value)
                compiled.append(None)
            else:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    raise self.fail(arg, f"函数 {name} 的第 {i + 1} 个参数应为数值，不能是文字")
                literal_args.append(None)
                compiled.append(self.compile(arg))
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in fn.keywords:
                allowed = "、".join(sorted(fn.keywords)) or "无"
                raise self.fail(kw.value, f"函数 {name} 没有参数“{kw.arg or '**'}”（可用：{allowed}）")
            if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)):
                raise self.fail(kw.value, f"函数 {name} 的参数 {kw.arg} 应为带引号的文字")
            kwargs[kw.arg] = kw.value.value
        if fn.check is not None:
            problem = fn.check(literal_args, kwargs)
            if problem:
                raise self.fail(node, problem)
        self.calls.add(name)
        self.calls_with.append((name, tuple(literal_args)))
        frozen_kwargs = dict(kwargs)
        if fn.impl is not None:
            impl = fn.impl
            return lambda env: impl(
                *(c(env) if c else a for c, a in zip(compiled, literal_args, strict=True))
            )

        def context_call(env: Env) -> Value:
            args = [c(env) if c else a for c, a in zip(compiled, literal_args, strict=True)]
            return env.call(name, args, frozen_kwargs)

        return context_call

    def _reference(self, node: ast.Name | ast.Attribute) -> Callable[[Env], Value]:
        parts: list[str] = []
        cur: ast.AST = node
        while isinstance(cur, ast.Attribute):
            parts.append(cur.attr)
            cur = cur.value
        if not isinstance(cur, ast.Name):
            raise self.fail(node, "只能引用单元格（如 t3.new_received.total）或函数结果")
        parts.append(cur.id)
        parts.reverse()
        if len(parts) == 1:
            name = parts[0]
            if name in self.functions:
                raise self.fail(node, f"{name} 是函数，应写作 {name}(…)")
            if name not in self.names:
                allowed = "、".join(sorted(self.names)) or "无"
                raise self.fail(node, f"未知名称“{name}”（单元格写作 t3.行.列；此处可用的名称：{allowed}）")
            return lambda env: env.var(name)
        ref = ".".join(parts)
        if parts[0] not in self.cell_roots:
            raise self.fail(node, f"未知单元格“{ref}”：单元格以 {'/'.join(sorted(self.cell_roots))} 开头")
        problem = self.cell_check(ref)
        if problem:
            raise self.fail(node, problem)
        self.cells.add(ref)
        return lambda env: env.cell(ref)


def _and(vals: list[Value]) -> Value:
    if any(v is not None and not v for v in vals):
        return False
    return None if any(v is None for v in vals) else True


def _or(vals: list[Value]) -> Value:
    if any(v is not None and v for v in vals):
        return True
    return None if any(v is None for v in vals) else False


def _refused(node: ast.AST) -> str:
    what = {
        ast.Subscript: "下标 [ ]",
        ast.Lambda: "lambda",
        ast.ListComp: "列表推导",
        ast.GeneratorExp: "生成器",
        ast.List: "列表",
        ast.Tuple: "元组",
        ast.Dict: "字典",
        ast.Set: "集合",
        ast.NamedExpr: ":=",
        ast.JoinedStr: "f-字符串",
        ast.Await: "await",
        ast.Yield: "yield",
    }.get(type(node), type(node).__name__)
    return f"公式中不允许使用{what}"


def compile_formula(
    text: str,
    functions: Mapping[str, Function],
    *,
    names: Collection[str] = (),
    cell_check: Callable[[str], str | None] = lambda ref: None,
    cell_roots: Collection[str] = ("t2", "t3", "t4"),
) -> Formula:
    """Compile `text`; raises `FormulaError` (Chinese message, 1-based line and column)."""
    if not isinstance(text, str):
        raise FormulaError("公式应为文字")
    source = text.strip()
    if not source:
        raise FormulaError("公式为空")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"公式过长（{len(source)} 字符，上限 {MAX_LENGTH}）")
    # Chinese punctuation typed by habit: say so rather than report a cryptic syntax error
    for bad, good in (("（", "("), ("）", ")"), ("，", ","), ("“", '"'), ("”", '"'), ("÷", "/"), ("×", "*")):
        if bad in source:
            line, col = _position(source, source.index(bad))
            raise FormulaError(f"公式中有全角符号“{bad}”，请改用半角“{good}”", line, col)
    try:
        # in brackets, so that a formula may run over several lines (a YAML `|` block) as written
        tree = ast.parse(f"({source}\n)", mode="eval")
    except SyntaxError as exc:
        at = exc.lineno or 1
        offset = None if exc.offset is None else max(1, exc.offset - (1 if at == 1 else 0))
        raise FormulaError(f"公式语法错误：{_syntax_zh(exc)}", at, offset) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("公式无法解析（嵌套过深或含有非法字符）") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise FormulaError(f"公式过于复杂（{count} 个节点，上限 {MAX_NODES}）")
    c = _Compiler({**PURE, **functions}, names, cell_check, cell_roots)
    try:
        run = c.compile(tree)
    except RecursionError:
        raise FormulaError("公式嵌套过深") from None
    return Formula(source, run, frozenset(c.cells), frozenset(c.calls), tuple(c.calls_with))


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _syntax_zh(exc: SyntaxError) -> str:
    msg = (exc.msg or "").lower()
    if "never closed" in msg or "unexpected eof" in msg or "was not closed" in msg:
        return "括号或引号没有闭合"
    if "unmatched" in msg or "does not match" in msg:
        return "括号不配对"
    if "invalid character" in msg:
        return "含有非法字符"
    if "unterminated string" in msg:
        return "引号没有闭合"
    return "无法识别的写法"
