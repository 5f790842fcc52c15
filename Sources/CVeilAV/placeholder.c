#include "CVeilAV.h"
