/* icu.h - ICU, loaded when first needed (private to stemmer/).
 *
 * Linking ICU costs every insearch process about 4 ms of start-up (the
 * dynamic loader relocating libicuuc and libicui18n, measured on the
 * project's machine), which is a third of a whole search; yet searches of
 * ASCII text never call ICU (stemmer.c has an ASCII path). So the few ICU
 * functions we use are reached through this table, filled by dlopen on the
 * first call that needs one.
 *
 * The ICU headers rename every function with the library's major version
 * (ubrk_open is ubrk_open_72); the table's members go through the same
 * macros, so `stm_icu.ubrk_open(...)` reads as ICU code does and finds the
 * versioned symbol.
 */
#ifndef INSEARCH_STEMMER_ICU_H
#define INSEARCH_STEMMER_ICU_H

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/utypes.h>

#define STM_ICU_FN(name) __typeof__(name) *name
typedef struct stm_icu_api {
    /* libicuuc */
    STM_ICU_FN(u_errorName);
    STM_ICU_FN(u_isupper);
    STM_ICU_FN(u_istitle);
    STM_ICU_FN(u_islower);
    STM_ICU_FN(u_isdigit);
    STM_ICU_FN(u_isalnum);
    STM_ICU_FN(ubrk_open);
    STM_ICU_FN(ubrk_close);
    STM_ICU_FN(ubrk_setText);
    STM_ICU_FN(ubrk_first);
    STM_ICU_FN(ubrk_next);
    STM_ICU_FN(ubrk_getRuleStatus);
    STM_ICU_FN(unorm2_getNFKCCasefoldInstance);
    STM_ICU_FN(unorm2_normalize);
    STM_ICU_FN(ucnv_open);
    STM_ICU_FN(ucnv_close);
    STM_ICU_FN(ucnv_setToUCallBack);
    STM_ICU_FN(ucnv_convertEx);
    STM_ICU_FN(ucnv_cbToUWriteUChars);
    /* libicui18n */
    STM_ICU_FN(ucsdet_open);
    STM_ICU_FN(ucsdet_close);
    STM_ICU_FN(ucsdet_setText);
    STM_ICU_FN(ucsdet_detect);
    STM_ICU_FN(ucsdet_getName);
    STM_ICU_FN(ucsdet_getConfidence);
} stm_icu_api;
#undef STM_ICU_FN

/* Filled by stm_icu_load; read only after it returned 0. */
extern stm_icu_api stm_icu;

/* Load ICU once (thread-safe). 0 on success; otherwise negative with a
 * message naming the library and the loader's reason in *err (when err is
 * non-NULL). */
int stm_icu_load(char **err);

#endif /* INSEARCH_STEMMER_ICU_H */
