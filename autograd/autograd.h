// Everything in autograd: Var, the ops, gradient checks, graph export.
#pragma once

#include "autograd/composed.h"
#include "autograd/dot.h"
#include "autograd/explorer.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/graph_json.h"
#include "autograd/jacobian_picture.h"
#include "autograd/op_checks.h"
#include "autograd/ops.h"
#include "autograd/timeline.h"
#include "autograd/var.h"
#include "core/core.h"
