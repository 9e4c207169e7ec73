# The layout every corelane native package follows (see CONTRIBUTING.md, "Native packages"):
#   native/*.cc          sources, one concern per file; native/include/ for shared headers
#   binding.gyp          this file: one target named after the package, C++20, no exceptions;
#                        node-addon-api comes in with -isystem so its own warnings stay out
#   src/native.ts        loads build/Release or prebuilds/ with node-gyp-build, never throws
# Warnings are errors when CI is set (CI=true node-gyp rebuild).
{
  "variables": {
    "werror%": "<!(node -p \"process.env.CI ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "corelane_spsc",
      "sources": ["native/threads.cc", "native/futex.cc", "native/layout.cc"],
      "include_dirs": ["native/include"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-isystem", "<!(node -p \"require('path').dirname(require.resolve('node-addon-api/package.json'))\")", "-std=c++20", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Wconversion"],
      "cflags_cc!": ["-std=gnu++17"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
        "OTHER_CPLUSPLUSFLAGS": ["-Wall", "-Wextra"]
      },
      "conditions": [
        ["werror==1", { "cflags_cc": ["-Werror"], "xcode_settings": { "GCC_TREAT_WARNINGS_AS_ERRORS": "YES" } }]
      ]
    }
  ]
}
