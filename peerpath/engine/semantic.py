"""Text embeddings for the semantic part of the match score ("about me" texts).

Pure Python + numpy, no Django. The model (wordllama, whose weights ship inside the wheel) is loaded offline
once per process, on first use. If wordllama is not installed or cannot load, a hashing bag-of-words
fallback keeps the engine working: it only sees shared words, not meaning. The backend is chosen once per
process, so every vector from `embed_texts` in one process lives in the same space.
"""

import logging
import re
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIMENSIONS = 256

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_model: Any = None
_backend: str | None = None  # "wordllama" or "token_overlap" once chosen
_TOKEN = re.compile(r"\w+")


def _load_model() -> Any:
    """The wordllama model, loaded offline on first call; None when wordllama is unavailable."""
    global _model, _backend
    with _lock:
        if _backend is None:
            try:
                import wordllama
                from wordllama import WordLlama

                # The wheel holds weights and tokenizer; pointing cache_dir at the package avoids a download.
                _model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
                _backend = "wordllama"
            except (ImportError, OSError, ValueError) as error:
                logger.warning("wordllama unavailable (%s); using token-overlap vectors", error)
                _model, _backend = None, "token_overlap"
        return _model


def backend() -> str:
    """Which backend `embed_texts` uses in this process: "wordllama" or "token_overlap"."""
    _load_model()
    assert _backend is not None  # noqa: S101 - set by _load_model
    return _backend


def _normalise(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return out.astype(np.float32, copy=False)


def token_overlap_vectors(
    texts: Sequence[str | None], dimensions: int = DIMENSIONS
) -> npt.NDArray[np.float32]:
    """Hashing bag-of-words vectors, unit length (empty text: the zero vector).

    Words are lower-cased and hashed with CRC-32 (stable across processes, unlike `hash`), so the dot
    product of two vectors approximates the cosine of their word counts.
    """
    vectors = np.zeros((len(texts), dimensions), dtype=np.float32)
    for row, text in enumerate(texts):
        for token in _TOKEN.findall((text or "").lower()):
            vectors[row, zlib.crc32(token.encode()) % dimensions] += 1.0
    return _normalise(vectors)


def embed_texts(texts: Sequence[str | None]) -> npt.NDArray[np.float32]:
    """Unit-length float32 embeddings, shape (len(texts), 256); blank or missing text: the zero vector."""
    model = _load_model()
    if model is None:
        return token_overlap_vectors(texts)
    cleaned = [(text or "").strip() for text in texts]
    # Each distinct text is embedded once (generated and real schools repeat many texts).
    distinct: dict[str, int] = {}
    slot = [distinct.setdefault(text, len(distinct)) if text else -1 for text in cleaned]
    unique = np.zeros((len(distinct), DIMENSIONS), dtype=np.float32)
    if distinct:
        unique[:] = np.asarray(model.embed(list(distinct)), dtype=np.float32)
    index = np.array(slot, dtype=np.int64)
    vectors = np.zeros((len(cleaned), DIMENSIONS), dtype=np.float32)
    present = index >= 0
    vectors[present] = unique[index[present]]
    return _normalise(vectors)
