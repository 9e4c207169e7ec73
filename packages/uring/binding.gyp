# The layout every corelane native package follows (see CONTRIBUTING.md, "Native packages"):
#   native/*.cc          sources, one concern per file
#   binding.gyp          this file: one target named after the package, C++20, no exceptions;
#                        node-addon-api comes in with -isystem so its own warnings stay out;
#                        NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: a JS error node-addon-api
#                        would throw while the thread is being terminated (worker.terminate())
#                        is dropped, not a fatal error that ends the whole process
#   src/native.ts        loads build/Release or prebuilds/ with node-gyp-build, never throws
# Warnings are errors when CI is set (CI=true node-gyp rebuild).
#
# liburing: when its header is installed (Debian liburing-dev) the io_uring backend is compiled
# in and liburing.a is linked statically, so a prebuild needs no liburing on the user's machine.
# Without it (or with CORELANE_URING_BUILD=off) only the thread-pool backend is built, and
# capabilities() says so. liburing's symbols stay private to the addon (--exclude-libs), so
# another addon with its own liburing cannot interpose on them.
{
  "variables": {
    "werror%": "<!(node -p \"process.env.CI ? 1 : 0\")",
    "have_liburing%": "<!(node native/detect-liburing.cjs have)",
    "liburing_libs%": "<!(node native/detect-liburing.cjs libs)"
  },
  "targets": [
    {
      "target_name": "corelane_uring",
      "sources": [
        "native/addon.cc",
        "native/ring.cc",
        "native/pool_backend.cc",
        "native/uring_backend.cc",
        "native/syscalls.cc",
        "native/interrupt.cc"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-isystem", "<!(node -p \"require('path').dirname(require.resolve('node-addon-api/package.json'))\")", "-std=c++20", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Wconversion"],
      "cflags_cc!": ["-std=gnu++17"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
        "OTHER_CPLUSPLUSFLAGS": ["-Wall", "-Wextra"]
      },
      "conditions": [
        ["werror==1", { "cflags_cc": ["-Werror"], "xcode_settings": { "GCC_TREAT_WARNINGS_AS_ERRORS": "YES" } }],
        ["OS=='linux'", { "libraries": ["-pthread"] }],
        ["have_liburing==1", {
          "defines": ["CORELANE_HAVE_LIBURING"],
          "libraries": ["<(liburing_libs)"],
          "ldflags": ["-Wl,--exclude-libs,liburing.a"]
        }]
      ]
    }
  ]
}
