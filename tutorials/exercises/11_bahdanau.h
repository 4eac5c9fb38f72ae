// Exercise 11: Bahdanau's additive score (tutorial 10).
//
// Keras's AdditiveAttention (use_scale=True) scores query i against key j
// with a small network instead of a dot product:
//   scores[b,i,j] = sum_k scale[k] * tanh(query[b,i,k] + key[b,j,k])
// query (B, Tq, d), key (B, Tk, d), scale (d) -> (B, Tq, Tk).
// Every (i, j) pair needs its own tanh of a d-vector: lay the queries out
// as (B, Tq, 1, d) and the keys as (B, 1, Tk, d), and broadcasting adds
// every pair at once into (B, Tq, Tk, d). That tensor is Tk times larger
// than the query: the memory cost of additive attention, which the dot
// score avoids. Build it from attograd's ops (unsqueeze, +, tanh, *, sum)
// so that the gradients follow.
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

Var additive_scores(const Var& query, const Var& key, const Var& scale);

}  // namespace atto::exercise
