/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: marks what the library's files share but programs must not see. */
#ifndef LIBMODEMLINE_PRIVATE_H
#define LIBMODEMLINE_PRIVATE_H

/* Not exported by the shared library (the version script hides it too). */
#define ML_HIDDEN __attribute__((visibility("hidden")))

#endif
