// zlib from the OS (zlib1g-dev): raw deflate/inflate for permessage-deflate (RFC 7692).
#ifndef TINA4_CZLIB_SHIM_H
#define TINA4_CZLIB_SHIM_H
#include <zlib.h>
#endif
