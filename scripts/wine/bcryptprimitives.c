/* For the Wine test only (scripts/wine-sync-check). Rust's standard library
 * (1.78 and later) asks bcryptprimitives.dll's ProcessPrng for random bytes, as
 * Windows 10 and later provide it; Wine 8.0 has no such DLL. This one answers
 * through RtlGenRandom (advapi32's SystemFunction036), which Wine has. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
