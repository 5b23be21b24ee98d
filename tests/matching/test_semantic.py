"""Text embeddings: wordllama offline, and the token-overlap fallback."""

import numpy as np

from peerpath.engine import semantic


def test_wordllama_loads_offline_and_ranks_similar_texts_higher() -> None:
    vectors = semantic.embed_texts(
        [
            "I love building robots and writing code.",
            "Robotics club and programming are my favourite things.",
            "I enjoy baking bread and cooking pasta with my family.",
        ]
    )
    assert semantic.backend() == "wordllama"
    assert vectors.shape == (3, semantic.DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated + 0.1


def test_embed_blank_or_missing_text_is_zero_vector() -> None:
    vectors = semantic.embed_texts(["", None, "   ", "music"])
    assert not vectors[:3].any()
    assert abs(float(np.linalg.norm(vectors[3])) - 1.0) < 1e-5


def test_repeated_texts_get_the_vector_of_the_text_alone() -> None:
    texts = ["I like chess and music.", " I like chess and music. ", "Soccer after school.", None]
    vectors = semantic.embed_texts(texts)
    np.testing.assert_array_equal(vectors[0], vectors[1])  # embedded once, stripped
    np.testing.assert_array_equal(vectors[0], semantic.embed_texts(["I like chess and music."])[0])
    np.testing.assert_array_equal(vectors[2], semantic.embed_texts(["Soccer after school."])[0])
    assert not vectors[3].any()


def test_token_overlap_fallback_ranks_shared_words_higher() -> None:
    vectors = semantic.token_overlap_vectors(
        ["I like chess and music", "Music and chess club", "Swimming every morning", ""]
    )
    assert vectors.shape == (4, semantic.DIMENSIONS)
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, rtol=1e-6)
    assert not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_token_overlap_is_stable_across_calls() -> None:
    first = semantic.token_overlap_vectors(["Same words, same vector"])
    second = semantic.token_overlap_vectors(["same WORDS same vector"])
    np.testing.assert_array_equal(first, second)
