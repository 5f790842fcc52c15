#include "CVeilDlib.h"
