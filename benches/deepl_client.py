#!/usr/bin/env python3
"""The official DeepL Python client (`deepl` on PyPI) against a DeepL-protocol server, the way
its documentation shows it: one Translator, batches of 50 texts, one request after another.

usage: deepl_client.py SERVER_URL SENTENCES_FILE   (one sentence per line)
prints: seconds texts   (wall-clock time of the translation calls, texts translated)

Run by `cargo bench --bench translate`, which installs `deepl` into target/deepl-venv first.
"""

import sys
import time

import deepl


def main() -> None:
    url, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f if line.strip()]
    translator = deepl.Translator("bench-key:fx", server_url=url)
    started = time.monotonic()
    done = 0
    for i in range(0, len(texts), 50):
        results = translator.translate_text(
            texts[i : i + 50], source_lang="AR", target_lang="EN-US"
        )
        done += len(results)
    print(f"{time.monotonic() - started:.3f} {done}")


if __name__ == "__main__":
    main()
