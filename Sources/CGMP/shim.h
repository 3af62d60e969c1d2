#ifndef POIES_CGMP_SHIM_H
#define POIES_CGMP_SHIM_H
// GMP's public mpz_* names are macros over __gmpz_*; Swift cannot import macros that expand to
// functions, so code calls the __gmpz_* symbols directly or the static inline wrappers added here.
#include <gmp.h>

/// mpz_sgn (a macro reading _mp_size).
static inline int poies_mpz_sgn(const __mpz_struct *x) { return mpz_sgn(x); }
/// mpz_odd_p (a macro).
static inline int poies_mpz_odd_p(const __mpz_struct *x) { return mpz_odd_p(x); }
/// Number of limbs currently allocated (to check that a workspace no longer grows).
static inline int poies_mpz_alloc(const __mpz_struct *x) { return x->_mp_alloc; }
#endif
