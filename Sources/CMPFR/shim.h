#ifndef POIES_CMPFR_SHIM_H
#define POIES_CMPFR_SHIM_H
// MPFR gives correctly rounded logarithms; used for the exact H(u) of spec section 3.
#include <gmp.h>
#include <mpfr.h>
#endif
