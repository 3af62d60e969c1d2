#ifndef POIES_CMPFR_SHIM_H
#define POIES_CMPFR_SHIM_H
// MPFR gives correctly rounded logarithms; used for the exact H(u) of spec section 3.
#include <gmp.h>
#include <mpfr.h>

// mpfr_abs, mpfr_cmp and mpfr_sgn exist only as C macros, which Swift cannot import; these
// wrappers expose them. (mpfr_set_ui, mpfr_mul_ui … are macros *and* functions, so Swift sees the
// functions.)
static inline int poies_mpfr_abs(mpfr_ptr rop, mpfr_srcptr op, mpfr_rnd_t rnd) { return mpfr_abs(rop, op, rnd); }
static inline int poies_mpfr_cmp(mpfr_srcptr a, mpfr_srcptr b) { return mpfr_cmp(a, b); }
static inline int poies_mpfr_sgn(mpfr_srcptr a) { return mpfr_sgn(a); }
#endif
