/* icu.c - see icu.h. */
#include "stemmer/icu.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stemmer/stemmer-private.h"

#define ICU_STR(x) #x
#define ICU_XSTR(x) ICU_STR(x)
#define ICU_SONAME(lib) "lib" lib ".so." ICU_XSTR(U_ICU_VERSION_MAJOR_NUM)

stm_icu_api stm_icu;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void *open_lib(const char *soname)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h && !load_error[0])
        snprintf(load_error, sizeof load_error, "cannot load ICU (%s): %s",
                 soname, dlerror());
    return h;
}

/* ICU_XSTR(f) is the versioned name ("ubrk_open_72"): the header's macro
 * is expanded before the string is made. */
#define LOAD(h, f)                                                          \
    do {                                                                    \
        void *p_ = h ? dlsym(h, ICU_XSTR(f)) : NULL;                        \
        if (!p_) {                                                          \
            if (!load_error[0])                                             \
                snprintf(load_error, sizeof load_error,                     \
                         "ICU has no function %s", ICU_XSTR(f));            \
            return;                                                         \
        }                                                                   \
        memcpy(&stm_icu.f, &p_, sizeof p_);                                 \
    } while (0)

static void load_all(void)
{
    /* The handles stay open for the life of the process, on purpose. */
    void *uc = open_lib(ICU_SONAME("icuuc"));
    void *i18n = open_lib(ICU_SONAME("icui18n"));
    if (!uc || !i18n)
        return;
    LOAD(uc, u_errorName);
    LOAD(uc, u_isupper);
    LOAD(uc, u_istitle);
    LOAD(uc, u_islower);
    LOAD(uc, u_isdigit);
    LOAD(uc, u_isalnum);
    LOAD(uc, ubrk_open);
    LOAD(uc, ubrk_close);
    LOAD(uc, ubrk_setText);
    LOAD(uc, ubrk_first);
    LOAD(uc, ubrk_next);
    LOAD(uc, ubrk_getRuleStatus);
    LOAD(uc, unorm2_getNFKCCasefoldInstance);
    LOAD(uc, unorm2_normalize);
    LOAD(uc, ucnv_open);
    LOAD(uc, ucnv_close);
    LOAD(uc, ucnv_setToUCallBack);
    LOAD(uc, ucnv_convertEx);
    LOAD(uc, ucnv_cbToUWriteUChars);
    LOAD(i18n, ucsdet_open);
    LOAD(i18n, ucsdet_close);
    LOAD(i18n, ucsdet_setText);
    LOAD(i18n, ucsdet_detect);
    LOAD(i18n, ucsdet_getName);
    LOAD(i18n, ucsdet_getConfidence);
}

int stm_icu_load(char **err)
{
    pthread_once(&load_once, load_all);
    if (load_error[0])
        return stm_error_set(err, STM_ERR_ICU, load_error);
    return 0;
}
