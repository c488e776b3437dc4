import numpy as np

from fireside.signals import NearDuplicateIndex, from_bytes, similarity_vector, to_bytes

POSTS = {
    "late-parcel": "My package still hasn't arrived, it was supposed to be delivered on Monday",
    "dark-mode": "Please add a dark mode to the mobile app",
    "refund": "I returned the shoes a month ago and I still have not got my refund",
    "login": "The app logs me out every time I close it",
    "praise": "Thanks for the quick help yesterday, great service",
    "price": "Do you offer a discount for students?",
}


def test_a_paraphrased_complaint_finds_the_original_first():
    index = NearDuplicateIndex()
    index.add_texts(list(POSTS), list(POSTS.values()))
    [hits] = index.search_texts(
        ["my parcel has not been delivered yet, it should have arrived monday"]
    )
    assert hits[0][0] == "late-parcel"
    [hits] = index.search_texts(["where is my refund? I sent the shoes back weeks ago"])
    assert hits[0][0] == "refund"


def test_the_same_idea_posted_twice_scores_near_one_and_unrelated_posts_score_low():
    same = similarity_vector("Please add a dark mode to the mobile app!")
    original = similarity_vector(POSTS["dark-mode"])
    unrelated = similarity_vector(POSTS["price"])
    assert float(same @ original) > 0.9
    assert float(same @ unrelated) < 0.5


def test_vectors_are_unit_length_and_survive_a_round_trip_through_bytes():
    vector = similarity_vector(POSTS["login"])
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3
    restored = from_bytes(to_bytes(vector))
    assert len(to_bytes(vector)) == 2 * len(vector)
    assert float(restored @ vector) > 0.999


def test_search_respects_the_minimum_similarity_and_an_empty_index_finds_nothing():
    assert NearDuplicateIndex().search_texts(["anything"]) == [[]]
    index = NearDuplicateIndex()
    index.add_texts(list(POSTS), list(POSTS.values()))
    [hits] = index.search_texts(["quantum chromodynamics lecture notes"], min_similarity=0.8)
    assert hits == []
