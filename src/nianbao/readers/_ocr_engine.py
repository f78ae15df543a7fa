"""The recognition models, run directly on onnxruntime: detection, line recognition, direction.

rapidocr ships the PP-OCR models inside its wheel and we use them, but not its pipeline: its
recogniser pads every line to at least 320 pixels (a one-digit table cell costs as much as a
sentence) and its sessions spin their threads while waiting (CPU time burnt on a shared box). Here
each model is one `InferenceSession` with a set thread count and no spinning, line crops are
batched by width and padded only to the widest crop of their batch, and detection is run only where
the caller asks (the page outside its ruled tables).

Pre- and post-processing follow PaddleOCR's: pixels scaled to [-1, 1] in BGR order, crops resized
to the recogniser's 48-pixel height and padded with zeros, greedy CTC decoding with the model's own
character list, DB post-processing (rapidocr's implementation) for detection.

Threads: `NIANBAO_OCR_THREADS` (default: two, or one on a one-core machine). Two threads without
spinning cost about the CPU time of one and halve the wall time on an idle box.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

REC_HEIGHT = 48
CLS_SHAPE = (48, 192)
_MAX_BATCH = 32
_PAD_SLACK = 1.2  # a batch may cost this much more than its crops unpadded
# grey (zero) columns after every crop: the recogniser was trained on lines padded that way and
# reads a lone digit without them as a letter (a "0" scored 0.85, with them 0.999); a long line
# reads the same with a short tail
PAD_RIGHT = 16
LONG_PAD = 8


def threads() -> int:
    raw = os.environ.get("NIANBAO_OCR_THREADS", "")
    if raw.strip().isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, min(2, os.cpu_count() or 1))


def _models_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"


def _model(task: str) -> Path:
    found = sorted(_models_dir().glob(f"*_{task}_*.onnx"))
    if not found:
        raise FileNotFoundError(f"rapidocr's {task} model is not in {_models_dir()}")
    # the newest PP-OCR version the wheel carries, when it carries several
    return found[-1]


def _session(path: Path) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.intra_op_num_threads = threads()
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


@dataclass
class Line:
    text: str
    score: float
    # per decoded character: (its position in the crop as a share of the crop's width, probability)
    chars: list[tuple[float, float]]

    @property
    def weakest(self) -> float:
        """The least sure character's probability: one doubtful digit makes the number doubtful,
        however sure the others are (the mean would hide it)."""
        return min((p for _, p in self.chars), default=0.0)


class Engine:
    """The three models, loaded on first use; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rec: Any = None
        self._det: Any = None
        self._cls: Any = None
        self._chars: list[str] = []
        self._db: Any = None

    # ------------------------------------------------------------------ recognition

    def _rec_session(self) -> Any:
        with self._lock:
            if self._rec is None:
                sess = _session(_model("rec"))
                meta = sess.get_modelmeta().custom_metadata_map
                # index 0 is the CTC blank; the space comes last (PaddleOCR's use_space_char)
                self._chars = ["", *meta["character"].splitlines(), " "]
                self._rec = sess
            return self._rec

    def recognise(self, crops: list[np.ndarray]) -> list[Line]:
        """One line of text per crop (grey or BGR, any size), read in width-sorted batches.

        Every crop is scaled to the recogniser's height, its own width kept in proportion (the
        cost grows with that width), and followed by PAD_RIGHT grey columns.
        """
        if not crops:
            return []
        sess = self._rec_session()
        widths = [max(8, math.ceil(REC_HEIGHT * c.shape[1] / max(1, c.shape[0]))) for c in crops]
        # what each crop takes of its batch (a long line needs less of the grey tail)
        spans = [w + (PAD_RIGHT if w <= 4 * REC_HEIGHT else LONG_PAD) for w in widths]
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        out: list[Line | None] = [None] * len(crops)
        start = 0
        while start < len(order):
            end = start + 1
            # grow the batch while padding to its widest crop stays cheap
            while end < len(order) and end - start < _MAX_BATCH:
                w_max = spans[order[end]]
                if w_max * (end + 1 - start) > _PAD_SLACK * sum(
                    spans[order[k]] for k in range(start, end + 1)
                ):
                    break
                end += 1
            batch = order[start:end]
            w_max = -(-max(spans[i] for i in batch) // 8) * 8
            x = np.zeros((len(batch), 3, REC_HEIGHT, w_max), np.float32)
            for j, i in enumerate(batch):
                x[j, :, :, : widths[i]] = _normalised(crops[i], widths[i], REC_HEIGHT)
            probs = sess.run(None, {sess.get_inputs()[0].name: x})[0]
            for j, i in enumerate(batch):
                # the columns past a crop's own width are padding: they decode to blanks anyway,
                # but dropping them keeps a stray mark there out of the text
                steps = max(1, round(probs.shape[1] * spans[i] / w_max))
                out[i] = self._decode(probs[j, :steps])
            start = end
        return [line for line in out if line is not None]

    def _decode(self, probs: np.ndarray) -> Line:
        idx = probs.argmax(axis=1)
        best = probs.max(axis=1)
        keep = np.ones(len(idx), bool)
        keep[1:] = idx[1:] != idx[:-1]
        keep &= idx != 0
        positions = np.nonzero(keep)[0]
        text = "".join(self._chars[k] if k < len(self._chars) else "" for k in idx[positions])
        chars = [(float((p + 0.5) / len(idx)), float(best[p])) for p in positions]
        score = float(np.mean([c for _, c in chars])) if chars else 0.0
        return Line(text, score, chars)

    # ------------------------------------------------------------------ detection

    def detect(
        self, image: np.ndarray, max_side: int, ratio: float | None = None
    ) -> list[tuple[float, float, float, float]]:
        """Text line boxes (x0, y0, x1, y1) in `image`'s pixels; detection at most `max_side` long,
        or at `ratio` of the image's size when given."""
        with self._lock:
            if self._det is None:
                from rapidocr.ch_ppocr_det.utils import DBPostProcess

                self._det = _session(_model("det"))
                self._db = DBPostProcess(
                    thresh=0.3, box_thresh=0.5, max_candidates=1000, unclip_ratio=1.6, use_dilation=True
                )
        h, w = image.shape[:2]
        if ratio is None:
            ratio = min(1.0, max_side / max(h, w))
        rh, rw = max(32, round(h * ratio / 32) * 32), max(32, round(w * ratio / 32) * 32)
        small = cv2.resize(image, (rw, rh), interpolation=cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR)
        if small.ndim == 2:
            small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
        x = ((small.astype(np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]
        pred = self._det.run(None, {self._det.get_inputs()[0].name: x})[0]
        quads, _scores = self._db(pred, (h, w))
        return [
            (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
            for q in quads
        ]

    # ------------------------------------------------------------------ direction

    def upside_down_votes(self, crops: list[np.ndarray]) -> tuple[float, float]:
        """Summed confidence that the line crops are upright (0°) and upside down (180°)."""
        if not crops:
            return 0.0, 0.0
        with self._lock:
            if self._cls is None:
                self._cls = _session(_model("cls"))
        ch, cw = CLS_SHAPE
        x = np.zeros((len(crops), 3, ch, cw), np.float32)
        for j, c in enumerate(crops):
            w = min(cw, max(1, math.ceil(ch * c.shape[1] / max(1, c.shape[0]))))
            x[j, :, :, :w] = _normalised(c, w, ch)
        probs = self._cls.run(None, {self._cls.get_inputs()[0].name: x})[0]
        return float(probs[:, 0].sum()), float(probs[:, 1].sum())


def _normalised(crop: np.ndarray, width: int, height: int) -> np.ndarray:
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    resized = cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5


_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine()
        return _engine
