// The layout rules of the C++ twin, exported so the tests can hold them to the JS side's
// (test/capacity-rule.test.ts): nothing here touches a ring.
//
//   capacityError(kind, capacity)   null when layout.h accepts `capacity` for `kind`, else why not
#include <napi.h>

#include <cstdint>

#include "corelane/spsc/layout.h"

namespace corelane::spsc::addon {
namespace {

Napi::Value CapacityError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto kind = static_cast<Kind>(info[0].As<Napi::Number>().Uint32Value());
  const double capacity = info[1].As<Napi::Number>().DoubleValue();
  // The header word is a uint32: anything else cannot be in a ring.
  if (!(capacity >= 0 && capacity <= 4294967295.0) || capacity != static_cast<double>(static_cast<uint32_t>(capacity))) {
    return Napi::String::New(env, "not a uint32");
  }
  const char* error = capacity_error(kind, static_cast<uint32_t>(capacity));
  return error == nullptr ? env.Null() : Napi::String::New(env, error);
}

}  // namespace

void RegisterLayout(Napi::Env env, Napi::Object exports) {
  exports.Set("capacityError", Napi::Function::New(env, CapacityError));
}

}  // namespace corelane::spsc::addon
