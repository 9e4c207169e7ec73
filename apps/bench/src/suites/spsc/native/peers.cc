// The C++ peers of the spsc suite: boost::lockfree::spsc_queue (when its headers are installed,
// -DCORELANE_HAVE_BOOST) and the C++ twin of @corelane/spsc (its header-only
// native/include/corelane/spsc). The bench compiles this file with g++ at run time and runs one
// measurement per process:
//
//   peers <impl> <workload> <count> [size]
//     impl:      boost | twin
//     workload:  item (4-byte values, one push/pop per item) | batch (256 per push/pop)
//                | record (records of <size> bytes) | pingpong (round trips of one value)
//                | park (twin only: <size>-byte records in lockstep, the consumer parking in
//                  futex(2) on every record and the producer waking it)
//
// Prints one JSON line: {"count", "elapsedNs"} (consumer, first to last item), plus
// {"median", "p99"} in ns for pingpong. Capacities match the JS side: 16384 slots, 1 MiB of records.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "corelane/spsc/byte_ring.h"
#include "corelane/spsc/slot_ring.h"
#include "corelane/spsc/wait.h"

#ifdef CORELANE_HAVE_BOOST
#include <boost/lockfree/spsc_queue.hpp>
#endif

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint32_t kSlots = 16384;
constexpr uint32_t kRecordBytes = 1u << 20;
constexpr uint32_t kBatch = 256;
constexpr uint32_t kPublishBatch = 64;

double ns_since(Clock::time_point t0) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

inline void cpu_relax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#endif
}

// A ring in ordinary memory, laid out exactly as allocateRing()/allocateByteRing() would.
struct TwinRing {
  std::vector<uint64_t> storage;
  corelane::spsc::Ring ring;
  TwinRing(corelane::spsc::Kind kind, uint32_t capacity, uint32_t element_bytes) {
    namespace o = corelane::spsc::offset;
    const size_t length = o::kData + size_t{capacity} * element_bytes;
    storage.assign(length / 8 + 1, 0);
    auto* base = reinterpret_cast<uint8_t*>(storage.data());
    const uint32_t words[] = {corelane::spsc::kMagic, corelane::spsc::kVersion, static_cast<uint32_t>(kind),
                              kind == corelane::spsc::Kind::kSlot ? 1u : 0u, capacity, o::kData,
                              static_cast<uint32_t>(length)};
    std::memcpy(base, words, sizeof words);
    if (corelane::spsc::validate(base, length, kind, ring) != nullptr) std::abort();
  }
};

struct Result {
  double count = 0;
  double elapsed_ns = 0;
  double median = 0;
  double p99 = 0;
};

// Consumer-side timing, first to last item, as the JS workers do.
template <typename Produce, typename Consume>
Result stream(uint32_t count, Produce produce, Consume consume) {
  Result r;
  std::thread producer(produce);
  Clock::time_point first{};
  uint32_t got = 0;
  uint32_t errors = 0;
  while (got < count) {
    const uint32_t n = consume(got, errors);
    if (n == 0) {
      cpu_relax();
      continue;
    }
    if (got == 0) first = Clock::now();
    got += n;
  }
  r.elapsed_ns = ns_since(first);
  producer.join();
  if (errors != 0) {
    std::fprintf(stderr, "%u items out of sequence\n", errors);
    std::exit(3);
  }
  r.count = count - 1;
  return r;
}

Result twin(const std::string& workload, uint32_t count, uint32_t size) {
  using namespace corelane::spsc;
  if (workload == "record") {
    TwinRing t(Kind::kByte, kRecordBytes, 1);
    return stream(
        count,
        [&] {
          ByteProducer p(t.ring, kPublishBatch);
          std::vector<uint8_t> rec(size, 7);
          for (uint32_t i = 0; i < count;) {
            rec[0] = static_cast<uint8_t>(i);
            if (p.write(rec.data(), size, 1)) ++i;
            else cpu_relax();
          }
          p.flush();
        },
        [&, c = ByteConsumer(t.ring)](uint32_t& got, uint32_t& errors) mutable {
          uint32_t seq = got;
          return c.read(
              [&](const uint8_t* b, uint32_t, int32_t) {
                if (b[0] != static_cast<uint8_t>(seq++)) ++errors;
              },
              kBatch);
        });
  }
  TwinRing t(Kind::kSlot, kSlots, 4);
  const bool batched = workload == "batch";
  return stream(
      count,
      [&] {
        SlotProducer<int32_t> p(t.ring, kPublishBatch);
        if (batched) {
          std::array<int32_t, kBatch> buf{};
          for (uint32_t i = 0; i < count;) {
            const uint32_t n = std::min(kBatch, count - i);
            for (uint32_t j = 0; j < n; ++j) buf[j] = static_cast<int32_t>(i + j);
            uint32_t done = 0;
            while (done < n) {
              const uint32_t k = p.push_many(buf.data() + done, n - done);
              if (k == 0) cpu_relax();
              done += k;
            }
            i += n;
          }
        } else {
          for (uint32_t i = 0; i < count;) {
            if (p.push(static_cast<int32_t>(i))) ++i;
            else cpu_relax();
          }
        }
        p.flush();
      },
      [&, c = SlotConsumer<int32_t>(t.ring, kPublishBatch)](uint32_t& got, uint32_t& errors) mutable {
        if (batched) {
          uint32_t seq = got;
          return c.drain(
              [&](int32_t v) {
                if (v != static_cast<int32_t>(seq++)) ++errors;
              },
              kBatch);
        }
        int32_t v;
        if (!c.pop(v)) return 0u;
        if (v != static_cast<int32_t>(got)) ++errors;
        return 1u;
      });
}

Result twin_pingpong(uint32_t count) {
  using namespace corelane::spsc;
  TwinRing there(Kind::kSlot, 1024, 4);
  TwinRing back(Kind::kSlot, 1024, 4);
  std::thread echo([&] {
    SlotConsumer<int32_t> in(there.ring, 1);
    SlotProducer<int32_t> out(back.ring, 1);
    for (uint32_t i = 0; i < count; ++i) {
      int32_t v;
      while (!in.pop(v)) cpu_relax();
      while (!out.push(v)) cpu_relax();
    }
  });
  SlotProducer<int32_t> out(there.ring, 1);
  SlotConsumer<int32_t> in(back.ring, 1);
  std::vector<double> rtt(count);
  for (uint32_t i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    while (!out.push(static_cast<int32_t>(i))) cpu_relax();
    int32_t v;
    while (!in.pop(v)) cpu_relax();
    rtt[i] = ns_since(t0);
  }
  echo.join();
  std::sort(rtt.begin(), rtt.end());
  Result r;
  r.count = count;
  r.median = rtt[count / 2];
  r.p99 = rtt[std::min<size_t>(count - 1, static_cast<size_t>(count * 0.99))];
  return r;
}

// Lockstep wake-ups: the producer writes record i only once the consumer has taken every record
// and sleeps (its sleeping word set); the consumer reads one record, then parks (wait.h park()).
// Every record is one futex sleep and one FUTEX_WAKE, as in the JS consumer's case of the bench.
Result twin_park(uint32_t count, uint32_t size) {
  using namespace corelane::spsc;
  TwinRing t(Kind::kByte, kRecordBytes, 1);
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  std::thread producer([&] {
    ByteProducer p(t.ring, 1);
    std::vector<uint8_t> rec(size, 7);
    uint32_t written = word(t.ring.base, offset::kTail).load(std::memory_order_relaxed);
    for (uint32_t i = 0; i < count; ++i) {
      while (!(word(t.ring.base, offset::kHead).load(std::memory_order_seq_cst) == written &&
               word(t.ring.base, offset::kConsumerSleeping).load(std::memory_order_seq_cst) != 0)) {
        if (Clock::now() > deadline) {
          failed = true;
          return;
        }
        std::this_thread::yield();
      }
      rec[0] = static_cast<uint8_t>(i);
      while (!p.write(rec.data(), size, 1)) cpu_relax();
      p.flush();
      written = word(t.ring.base, offset::kTail).load(std::memory_order_relaxed);
    }
  });
  ByteConsumer c(t.ring);
  Clock::time_point first{};
  uint32_t got = 0;
  uint32_t errors = 0;
  while (got < count && !failed.load()) {
    const uint32_t n = c.read(
        [&](const uint8_t* b, uint32_t, int32_t) {
          if (got == 0) first = Clock::now();
          if (b[0] != static_cast<uint8_t>(got)) ++errors;
          ++got;
        },
        1);
    if (n == 0) park(t.ring, false, [&] { return !c.empty(); }, [&] { return failed.load(); }, 50);
  }
  Result r;
  r.elapsed_ns = ns_since(first);
  producer.join();
  if (failed.load() || errors != 0) {
    std::fprintf(stderr, "park: %u of %u records, %u out of sequence\n", got, count, errors);
    std::exit(3);
  }
  r.count = count - 1;
  return r;
}

#ifdef CORELANE_HAVE_BOOST
template <size_t N>
Result boost_records(uint32_t count) {
  using Rec = std::array<uint8_t, N>;
  auto q = std::make_unique<boost::lockfree::spsc_queue<Rec, boost::lockfree::capacity<kRecordBytes / N>>>();
  return stream(
      count,
      [&] {
        Rec rec{};
        rec.fill(7);
        for (uint32_t i = 0; i < count;) {
          rec[0] = static_cast<uint8_t>(i);
          if (q->push(rec)) ++i;
          else cpu_relax();
        }
      },
      [&](uint32_t& got, uint32_t& errors) {
        uint32_t seq = got;
        return static_cast<uint32_t>(q->consume_all([&](const Rec& r) {
          if (r[0] != static_cast<uint8_t>(seq++)) ++errors;
        }));
      });
}

Result boost_run(const std::string& workload, uint32_t count, uint32_t size) {
  if (workload == "record") return size == 32 ? boost_records<32>(count) : boost_records<256>(count);
  auto q = std::make_unique<boost::lockfree::spsc_queue<int32_t, boost::lockfree::capacity<kSlots>>>();
  const bool batched = workload == "batch";
  std::array<int32_t, kBatch> out{};
  return stream(
      count,
      [&] {
        if (batched) {
          std::array<int32_t, kBatch> buf{};
          for (uint32_t i = 0; i < count;) {
            const uint32_t n = std::min(kBatch, count - i);
            for (uint32_t j = 0; j < n; ++j) buf[j] = static_cast<int32_t>(i + j);
            uint32_t done = 0;
            while (done < n) {
              const auto k = static_cast<uint32_t>(q->push(buf.data() + done, n - done));
              if (k == 0) cpu_relax();
              done += k;
            }
            i += n;
          }
        } else {
          for (uint32_t i = 0; i < count;) {
            if (q->push(static_cast<int32_t>(i))) ++i;
            else cpu_relax();
          }
        }
      },
      [&](uint32_t& got, uint32_t& errors) -> uint32_t {
        if (batched) {
          const auto n = static_cast<uint32_t>(q->pop(out.data(), kBatch));
          for (uint32_t j = 0; j < n; ++j) {
            if (out[j] != static_cast<int32_t>(got + j)) ++errors;
          }
          return n;
        }
        int32_t v;
        if (!q->pop(v)) return 0u;
        if (v != static_cast<int32_t>(got)) ++errors;
        return 1u;
      });
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: peers boost|twin item|batch|record|pingpong count [size]\n");
    return 2;
  }
  const std::string impl = argv[1];
  const std::string workload = argv[2];
  const auto count = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
  const auto size = argc > 4 ? static_cast<uint32_t>(std::strtoul(argv[4], nullptr, 10)) : 0u;
  Result r;
  if (impl == "twin") {
    r = workload == "pingpong" ? twin_pingpong(count) : workload == "park" ? twin_park(count, size) : twin(workload, count, size);
  } else {
#ifdef CORELANE_HAVE_BOOST
    r = boost_run(workload, count, size);
#else
    std::fprintf(stderr, "built without boost\n");
    return 4;
#endif
  }
  std::printf("{\"count\":%.0f,\"elapsedNs\":%.0f,\"median\":%.1f,\"p99\":%.1f}\n", r.count, r.elapsed_ns, r.median,
              r.p99);
  return 0;
}
