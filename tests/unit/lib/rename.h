/*
 * Force-included when xen/lib/ is built for host tests: gives every library
 * function a test_ name so it links beside (and is compared with) the host
 * C library's own.
 */
#define memcpy   test_memcpy
#define memmove  test_memmove
#define memset   test_memset
#define memcmp   test_memcmp
#define memchr   test_memchr
#define strlen   test_strlen
#define strnlen  test_strnlen
#define strcmp   test_strcmp
#define strncmp  test_strncmp
#define strchr   test_strchr
#define strrchr  test_strrchr
#define strlcpy  test_strlcpy
#define strlcat  test_strlcat
#define strtoul  test_strtoul
#define strtoull test_strtoull
#define strtol   test_strtol
#define vsnprintf test_vsnprintf
#define snprintf test_snprintf
