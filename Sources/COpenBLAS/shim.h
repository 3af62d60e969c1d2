#ifndef POIES_COPENBLAS_SHIM_H
#define POIES_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface (cblas_dgemm) for the AI verifier's exact integer-valued inference.
#include <cblas.h>
#endif
