#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace sluice {
namespace {

TEST(Status, OkByDefaultAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status().ok());
  Status s = Status::MissingField("cookie");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.is_record_error());
  EXPECT_EQ(s.to_string(), "MISSING_FIELD: cookie");
  EXPECT_FALSE(Status::IOError("disk").is_record_error());
}

TEST(Result, HoldsValueOrError) {
  Result<int> r = 5;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5);
  Result<int> e = Status::NotFound("x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace sluice
