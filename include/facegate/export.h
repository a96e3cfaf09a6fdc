/* FACEGATE_API marks what libfacegate.so exports; everything else in the library is built
   with -fvisibility=hidden. Static consumers see the same declarations (the attribute is
   harmless there). */
#ifndef FACEGATE_EXPORT_H
#define FACEGATE_EXPORT_H

#if defined(_WIN32)
#define FACEGATE_API
#else
#define FACEGATE_API __attribute__((visibility("default")))
#endif

#endif
