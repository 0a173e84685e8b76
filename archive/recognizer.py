"""A second OCR engine for what Tesseract reads worst: the numbers and days written by hand in a scan's blanks.

Tesseract has no model of handwriting: on the Government's 1-bit scans it read ``981`` as ``484`` and
``1039`` as ``4039``, and found no digits at all in a Cục Thuế's ``2191`` or a province's ``22``
(bench/bench_real.py). PP-OCR's text recognizer, trained on handwriting as on print, reads those blanks
right; RapidOCR runs it with onnxruntime from the models its package ships (nothing is fetched). Only its
recognizer is used, on a blank already cut out by ``archive/digits.py``: it reads one line, and Vietnamese
letters it reads badly (its alphabet has no stacked diacritics), so the page's words stay Tesseract's.

The engine is made once a process (its model takes about a second to load) and given one thread, as each
reading worker is one process of its own.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

# RapidOCR's own settings: the recogniser alone, quiet, one thread (a worker is a process).
_PARAMS = {"Global.use_det": False, "Global.use_cls": False, "Global.log_level": "error",
           "EngineConfig.onnxruntime.intra_op_num_threads": 1,
           "EngineConfig.onnxruntime.inter_op_num_threads": 1}


@functools.cache
def available() -> bool:
    """Whether RapidOCR and onnxruntime are installed (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


@functools.cache
def _engine() -> Any:
    from rapidocr import RapidOCR

    engine = RapidOCR(params=_PARAMS)
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


def read_line(image: Image.Image) -> list[tuple[str, float]]:
    """The characters of a one-line image (spaces left out), each with the recognizer's confidence in it
    (0 to 1): a label it reads badly (``Số``: its alphabet has no ``ố``) does not lower the confidence in the
    digits beside it. Empty when it read nothing."""
    import numpy as np

    try:
        result = _engine()(np.asarray(image.convert("RGB")), use_det=False, use_cls=False, use_rec=True,
                           return_word_box=True)
    except (RuntimeError, OSError, ValueError, MemoryError):  # its model not loaded, or a run that failed:
        return []  # Tesseract's readings decide
    texts = getattr(result, "txts", None) or ("",)
    characters = [ch for ch in str(texts[0]) if not ch.isspace()]
    words = getattr(result, "word_results", None) or (None,)
    confidences = list(getattr(words[0], "confs", None) or ())
    if len(confidences) != len(characters):  # the line's own score for each, where they do not pair
        confidences = [float((getattr(result, "scores", None) or (0.0,))[0])] * len(characters)
    return list(zip(characters, map(float, confidences), strict=True))
