// @corelane/affinity native side: thin wrappers over the Linux calls that pin and prioritise the
// calling thread. Arguments are validated in TypeScript before they get here; these functions
// only call the OS and report errno (as a negative number), and JS turns that into typed errors.
#include <napi.h>

#ifdef __linux__
#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>
#include <vector>

namespace {

// The affinity the process had when the addon was first loaded: taskset and cgroup cpusets
// shape it, and a later pinThread() of one thread must not shrink what availableCpus() reports.
std::vector<int> initial_cpus;
std::once_flag initial_cpus_once;

// Reads the calling thread's affinity with a mask large enough for the machine (CPU_ALLOC grows
// until the kernel accepts it). Returns 0 or -errno.
int read_affinity(std::vector<int>& out) {
  for (int ncpus = 1024; ncpus <= (1 << 20); ncpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(ncpus);
    if (set == nullptr) return -ENOMEM;
    size_t size = CPU_ALLOC_SIZE(ncpus);
    CPU_ZERO_S(size, set);
    if (sched_getaffinity(0, size, set) == 0) {
      out.clear();
      for (int cpu = 0; cpu < ncpus; cpu++) {
        if (CPU_ISSET_S(cpu, size, set)) out.push_back(cpu);
      }
      CPU_FREE(set);
      return 0;
    }
    int err = errno;
    CPU_FREE(set);
    if (err != EINVAL) return -err;
  }
  return -EINVAL;
}

Napi::Value ToArray(Napi::Env env, const std::vector<int>& cpus) {
  Napi::Array array = Napi::Array::New(env, cpus.size());
  for (size_t i = 0; i < cpus.size(); i++) array.Set(static_cast<uint32_t>(i), cpus[i]);
  return array;
}

Napi::Value InitialCpus(const Napi::CallbackInfo& info) {
  return ToArray(info.Env(), initial_cpus);
}

// -> number[] on success, or a negative errno.
Napi::Value ThreadAffinity(const Napi::CallbackInfo& info) {
  std::vector<int> cpus;
  int rc = read_affinity(cpus);
  if (rc < 0) return Napi::Number::New(info.Env(), rc);
  return ToArray(info.Env(), cpus);
}

// (cpus: number[]) -> 0 or a negative errno. Applies to the calling thread only.
Napi::Value SetThreadAffinity(const Napi::CallbackInfo& info) {
  Napi::Array cpus = info[0].As<Napi::Array>();
  int max_cpu = 0;
  std::vector<int> list(cpus.Length());
  for (uint32_t i = 0; i < cpus.Length(); i++) {
    list[i] = cpus.Get(i).As<Napi::Number>().Int32Value();
    if (list[i] > max_cpu) max_cpu = list[i];
  }
  int ncpus = max_cpu + 1 > 1024 ? max_cpu + 1 : 1024;
  cpu_set_t* set = CPU_ALLOC(ncpus);
  if (set == nullptr) return Napi::Number::New(info.Env(), -ENOMEM);
  size_t size = CPU_ALLOC_SIZE(ncpus);
  CPU_ZERO_S(size, set);
  for (int cpu : list) CPU_SET_S(cpu, size, set);
  int rc = sched_setaffinity(0, size, set) == 0 ? 0 : -errno;
  CPU_FREE(set);
  return Napi::Number::New(info.Env(), rc);
}

// -> the CPU the calling thread runs on now, or a negative errno.
Napi::Value CurrentCpu(const Napi::CallbackInfo& info) {
  int cpu = sched_getcpu();
  return Napi::Number::New(info.Env(), cpu >= 0 ? cpu : -errno);
}

// -> the kernel's id of the calling thread (what /proc/self/task/<tid> names).
Napi::Value ThreadId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(syscall(SYS_gettid)));
}

// (policy: 0 other | 1 fifo | 2 rr, priority: number) -> 0 or a negative errno.
Napi::Value SetScheduler(const Napi::CallbackInfo& info) {
  int which = info[0].As<Napi::Number>().Int32Value();
  int policy = which == 1 ? SCHED_FIFO : which == 2 ? SCHED_RR : SCHED_OTHER;
  sched_param param{};
  param.sched_priority = info[1].As<Napi::Number>().Int32Value();
  int rc = sched_setscheduler(0, policy, &param) == 0 ? 0 : -errno;
  return Napi::Number::New(info.Env(), rc);
}

// (nice: number) -> 0 or a negative errno. On Linux the nice value belongs to the thread.
Napi::Value SetNice(const Napi::CallbackInfo& info) {
  int nice = info[0].As<Napi::Number>().Int32Value();
  auto tid = static_cast<id_t>(syscall(SYS_gettid));
  int rc = setpriority(PRIO_PROCESS, tid, nice) == 0 ? 0 : -errno;
  return Napi::Number::New(info.Env(), rc);
}

// -> { policy: 0|1|2|-1, priority, nice } of the calling thread, or a negative errno.
Napi::Value GetScheduler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int policy = sched_getscheduler(0);
  if (policy < 0) return Napi::Number::New(env, -errno);
  sched_param param{};
  if (sched_getparam(0, &param) != 0) return Napi::Number::New(env, -errno);
  errno = 0;
  auto tid = static_cast<id_t>(syscall(SYS_gettid));
  int nice = getpriority(PRIO_PROCESS, tid);
  if (nice == -1 && errno != 0) return Napi::Number::New(env, -errno);
  Napi::Object out = Napi::Object::New(env);
  int base = policy & ~SCHED_RESET_ON_FORK;
  out.Set("policy", base == SCHED_FIFO ? 1 : base == SCHED_RR ? 2 : base == SCHED_OTHER ? 0 : -1);
  out.Set("priority", param.sched_priority);
  out.Set("nice", nice);
  return out;
}

// (policy: 1 fifo | 2 rr) -> [min, max] priority for that policy.
Napi::Value PriorityRange(const Napi::CallbackInfo& info) {
  int policy = info[0].As<Napi::Number>().Int32Value() == 2 ? SCHED_RR : SCHED_FIFO;
  Napi::Array range = Napi::Array::New(info.Env(), 2);
  range.Set(0u, sched_get_priority_min(policy));
  range.Set(1u, sched_get_priority_max(policy));
  return range;
}

// -> the soft RLIMIT_RTPRIO: the highest real-time priority an unprivileged thread may take.
Napi::Value RealtimeLimit(const Napi::CallbackInfo& info) {
  rlimit limit{};
  if (getrlimit(RLIMIT_RTPRIO, &limit) != 0) return Napi::Number::New(info.Env(), -errno);
  double soft = limit.rlim_cur == RLIM_INFINITY ? 99.0 : static_cast<double>(limit.rlim_cur);
  return Napi::Number::New(info.Env(), soft);
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  std::call_once(initial_cpus_once, [] { read_affinity(initial_cpus); });
  exports.Set("supported", Napi::Boolean::New(env, true));
  exports.Set("initialCpus", Napi::Function::New(env, InitialCpus));
  exports.Set("threadAffinity", Napi::Function::New(env, ThreadAffinity));
  exports.Set("setThreadAffinity", Napi::Function::New(env, SetThreadAffinity));
  exports.Set("currentCpu", Napi::Function::New(env, CurrentCpu));
  exports.Set("threadId", Napi::Function::New(env, ThreadId));
  exports.Set("setScheduler", Napi::Function::New(env, SetScheduler));
  exports.Set("setNice", Napi::Function::New(env, SetNice));
  exports.Set("getScheduler", Napi::Function::New(env, GetScheduler));
  exports.Set("priorityRange", Napi::Function::New(env, PriorityRange));
  exports.Set("realtimeLimit", Napi::Function::New(env, RealtimeLimit));
  return exports;
}

#else  // not Linux: the addon builds and loads, and says it cannot do anything.

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("supported", Napi::Boolean::New(env, false));
  return exports;
}

#endif

NODE_API_MODULE(corelane_affinity, Init)
