// Steady-state decoding and encoding must not allocate: the engine decodes about a million
// records per second per core. Counted by replacing the global operator new in this binary.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "allezon.pb.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace {
long g_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace sluice::serde {
namespace {

// Allocations made by `n` runs of `f`, after `f` has run a few times to size every buffer.
template <class F>
long allocations_in_steady_state(F&& f, int n = 1000) {
  for (int i = 0; i < 20; ++i) f(i);
  const long before = g_allocations;
  for (int i = 0; i < n; ++i) f(i);
  return g_allocations - before;
}

TEST(Allocations, AreCounted) {
  const long before = g_allocations;
  auto serde = make_value_serde(Schema::from_descriptor(allezon::UserTag::descriptor()));
  EXPECT_GT(g_allocations, before);
}

TEST(Allocations, DecodingAndEncodingUserTagsDoNotAllocate) {
  auto schema = Schema::from_descriptor(allezon::UserTag::descriptor());
  const std::string tags[] = {
      R"({"time":"2022-03-22T12:15:00.000Z","cookie":"c1","country":"PL","device":"PC",)"
      R"("action":"VIEW","origin":"o","product_info":{"product_id":"p","brand_id":"b",)"
      R"("category_id":"c","price":12345},"unknown":{"x":[1,2,3]}})",
      R"({"cookie":"cookie-\u00e9","device":1,"product_info":{"price":"77"}})"};
  for (Format format : {Format::kJson, Format::kProtobuf}) {
    auto json = make_value_serde(schema);
    auto serde = make_value_serde(schema, {.format = format, .required = {1}});
    std::string bytes[2];
    for (int k = 0; k < 2; ++k) {
      Row row;
      ASSERT_TRUE(json->deserialize(tags[k], row).ok());
      serde->serialize(row, bytes[k]);
    }
    Row row;
    std::string out;
    EXPECT_EQ(allocations_in_steady_state([&](int i) {
                if (!serde->deserialize(bytes[i % 2], row).ok()) std::abort();
                out.clear();
                serde->serialize(row, out);
              }),
              0)
        << format_name(format);
  }
}

TEST(Allocations, DecodingOrdersWithListsAndDebeziumEventsDoesNotAllocate) {
  auto orders = make_value_serde(Schema::from_descriptor(shop::Order::descriptor()));
  const std::string order =
      R"({"id":"o1","items":[{"productId":"a","quantity":1},{"productId":"b","price":2.5}]})";
  Row row;
  EXPECT_EQ(allocations_in_steady_state([&](int) {
              if (!orders->deserialize(order, row).ok()) std::abort();
            }),
            0);
  auto products = make_value_serde(Schema::from_descriptor(shop::Product::descriptor()),
                                   {.envelope = Envelope::kDebezium});
  const std::string events[] = {
      R"({"before":null,"after":{"id":"1","name":"Pizza","price":9.5},"op":"c"})",
      R"({"payload":{"before":{"id":"1","name":"Pizza"},"after":null,"op":"d"}})"};
  EXPECT_EQ(allocations_in_steady_state([&](int i) {
              if (!products->deserialize(events[i % 2], row).ok()) std::abort();
            }),
            0);
}

}  // namespace
}  // namespace sluice::serde
