/* hamr_error: strings for hamr's error codes and their clmgr exit codes. */
#include "common/hamr_error.h"

#include <string.h>

const char *hamr_strerror(int err)
{
        if (err < 0)
                err = -err;
        switch (err) {
        case HAMR_E_NOT_FOUND: return "object not found";
        case HAMR_E_EXISTS: return "object already exists";
        case HAMR_E_BAD_CLASS: return "unknown class";
        case HAMR_E_BAD_ATTR: return "unknown attribute";
        case HAMR_E_BAD_VALUE: return "value not allowed";
        case HAMR_E_MISSING: return "required input missing";
        case HAMR_E_REFERENCE: return "reference error";
        case HAMR_E_NOT_CONFIGURED: return "cluster not configured";
        case HAMR_E_BUSY: return "object busy";
        case HAMR_E_CHECKSUM: return "checksum mismatch";
        case HAMR_E_TIMEOUT: return "timed out";
        case HAMR_E_NO_QUORUM: return "no quorum";
        default: return strerror(err);
        }
}

int hamr_error_to_clmgr_rc(int err)
{
        if (err < 0)
                err = -err;
        switch (err) {
        case 0: return CLMGR_RC_OK;
        case HAMR_E_NOT_FOUND: return CLMGR_RC_NOT_FOUND;
        case HAMR_E_MISSING: return CLMGR_RC_MISSING;
        case HAMR_E_BAD_CLASS:
        case HAMR_E_BAD_ATTR:
        case HAMR_E_BAD_VALUE:
        case HAMR_E_EXISTS: return CLMGR_RC_INVALID;
        case HAMR_E_REFERENCE: return CLMGR_RC_DEPENDENCY;
        default: return CLMGR_RC_ERROR;
        }
}
