// Everything in core: the tensor, its kernels, and printing.
#pragma once

#include "core/elementwise.h"
#include "core/errors.h"
#include "core/format.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/kernel_dispatch.h"
#include "core/map.h"
#include "core/matmul.h"
#include "core/parallel.h"
#include "core/random.h"
#include "core/reduce.h"
#include "core/shape_ops.h"
#include "core/softmax.h"
#include "core/storage.h"
#include "core/tensor.h"
