// @corelane/router native side: the module's entry point. hash_batch.cc holds the batch hashing.
#include <napi.h>

void RegisterHashBatch(Napi::Env env, Napi::Object exports);

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  RegisterHashBatch(env, exports);
  return exports;
}

NODE_API_MODULE(corelane_router, Init)
