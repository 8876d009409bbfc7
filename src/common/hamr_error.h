/* hamr_error: hamr's own error codes (a range above errno) and their text. */
#pragma once

/* Functions return 0 or a negative errno, or a negative HAMR_E* code. */
enum hamr_error {
        HAMR_E_BASE = 4096,
        HAMR_E_NOT_FOUND,      /* object does not exist */
        HAMR_E_EXISTS,         /* object already exists */
        HAMR_E_BAD_CLASS,      /* unknown class */
        HAMR_E_BAD_ATTR,       /* unknown attribute for class */
        HAMR_E_BAD_VALUE,      /* value not allowed */
        HAMR_E_MISSING,        /* required input missing */
        HAMR_E_REFERENCE,      /* reference to a missing object, or object still referenced */
        HAMR_E_NOT_CONFIGURED, /* no cluster configured */
        HAMR_E_BUSY,           /* object in a state that forbids the change */
        HAMR_E_CHECKSUM,       /* on-disk checksum mismatch */
        HAMR_E_TIMEOUT,        /* operation did not finish in time */
        HAMR_E_NO_QUORUM,      /* no quorate view */
        HAMR_E_MAX
};

const char *hamr_strerror(int err);

/* clmgr exit codes, as PowerHA documents them. */
enum clmgr_rc {
        CLMGR_RC_OK = 0,
        CLMGR_RC_ERROR = 1,
        CLMGR_RC_NOT_FOUND = 2,
        CLMGR_RC_MISSING = 3,
        CLMGR_RC_INVALID = 4,
        CLMGR_RC_DEPENDENCY = 5,
};
int hamr_error_to_clmgr_rc(int err);
