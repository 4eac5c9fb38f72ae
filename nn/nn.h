// Everything in nn: modules, layers, initializers, losses, optimizers, data
// helpers, progress display, checkpoints, and the encoder-decoder translator
// (any SequenceLayer for its recurrent layers).
#pragma once

#include "autograd/autograd.h"
#include "nn/activation.h"
#include "nn/additive_attention.h"
#include "nn/attention.h"
#include "nn/checkpoint.h"
#include "nn/conv2d.h"
#include "nn/data.h"
#include "nn/init.h"
#include "nn/layer_checks.h"
#include "nn/layer_norm.h"
#include "nn/layers.h"
#include "nn/losses.h"
#include "nn/lstm.h"
#include "nn/module.h"
#include "nn/multi_head_attention.h"
#include "nn/optim.h"
#include "nn/progress.h"
#include "nn/sequence_layer.h"
#include "nn/text.h"
#include "nn/timeline_recorder.h"
#include "nn/transformer.h"
#include "nn/translator.h"
