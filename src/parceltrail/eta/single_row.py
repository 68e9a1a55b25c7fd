"""Scoring one package through LightGBM's single-row C entry point.

``Booster.predict`` re-parses its parameters and re-checks its input on every call, about 0.1 ms,
which for one package is most of the cost of its four quantiles. LightGBM's C API keeps that setup
in a FastConfig made once per booster (``LGBM_BoosterPredictForMatSingleRowFastInit``); a row then
costs the tree walk. A FastConfig owns scratch buffers, so calls are serialised with a lock: a
row takes microseconds, and the API's worker threads do not queue behind it for long.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import numpy as np

_PREDICT_NORMAL, _FLOAT64 = 0, 1


class SingleRow:
    """The outputs of every booster of a list for one feature row, in list order."""

    def __init__(self, boosters: list[Any], n_features: int) -> None:
        from lightgbm.basic import _LIB, _safe_call

        self._lib, self._check, self._boosters = _LIB, _safe_call, boosters
        self._lock = threading.Lock()
        self._configs: list[ctypes.c_void_p] = []
        for booster in boosters:
            config = ctypes.c_void_p()
            _safe_call(_LIB.LGBM_BoosterPredictForMatSingleRowFastInit(
                booster._handle, ctypes.c_int(_PREDICT_NORMAL), ctypes.c_int(0), ctypes.c_int(-1),
                ctypes.c_int(_FLOAT64), ctypes.c_int32(n_features), ctypes.c_char_p(b"num_threads=1"),
                ctypes.byref(config)))
            self._configs.append(config)
        self._n = n_features
        self._out = np.zeros(1, dtype=np.float64)
        self._out_ptr = self._out.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        self._length = ctypes.c_int64(0)

    def __call__(self, row: np.ndarray) -> list[float]:
        data = np.ascontiguousarray(row, dtype=np.float64)
        if data.shape != (self._n,):
            raise ValueError(f"expected {self._n} features, got shape {data.shape}")
        pointer = data.ctypes.data_as(ctypes.c_void_p)
        out = []
        with self._lock:
            for config in self._configs:
                self._check(self._lib.LGBM_BoosterPredictForMatSingleRowFast(
                    config, pointer, ctypes.byref(self._length), self._out_ptr))
                out.append(float(self._out[0]))
        return out

    def __del__(self) -> None:
        # before the boosters this object keeps alive are released
        for config in getattr(self, "_configs", []):
            self._lib.LGBM_FastConfigFree(config)
        self._configs = []
