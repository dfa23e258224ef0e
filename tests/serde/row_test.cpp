#include "serde/row.h"

#include <gtest/gtest.h>

#include "shop.pb.h"

namespace sluice::serde {
namespace {

SchemaPtr order_schema() { return Schema::from_descriptor(shop::Order::descriptor()); }

// id, createdAt, userId, status, price, items[{productId, quantity, price}]
void fill_order(Row& row, const std::string& id, int n_items) {
  row.set_string(0, id);
  row.set_double(4, 12.5);
  for (int i = 0; i < n_items; ++i) {
    Row& item = row.add_list_element(5);
    item.set_string(0, "p" + std::to_string(i));
    item.set_int(1, i + 1);
  }
}

TEST(Row, StartsWithEveryFieldAbsentAndHoldsWhatIsSet) {
  auto s = order_schema();
  Row row(s.get());
  for (uint32_t i = 0; i < s->size(); ++i) EXPECT_FALSE(row.has(i));
  row.set_string(0, "o1");
  row.set_double(4, 2.5);
  EXPECT_EQ(row.get_string(0), "o1");
  EXPECT_EQ(row.get_double(4), 2.5);
  EXPECT_EQ(row.get_number(4), 2.5);
  row.set_null(0);
  EXPECT_FALSE(row.has(0));
  EXPECT_EQ(row.list_size(5), 0u);
}

TEST(Row, StringsStayValidAsTheArenaGrows) {
  auto s = Schema::Builder("s").add("a", FieldType::kString).add("b", FieldType::kString).build();
  Row row(s.get());
  row.set_string(0, "first");
  row.set_string(1, std::string(10000, 'x'));  // forces the arena to reallocate
  EXPECT_EQ(row.get_string(0), "first");
  EXPECT_EQ(row.get_string(1).size(), 10000u);
}

TEST(Row, GetNumberReadsIntsAndDoubles) {
  auto s = Schema::Builder("n").add("i", FieldType::kInt64).add("d", FieldType::kDouble).build();
  Row row(s.get());
  row.set_int(0, -7);
  row.set_double(1, 0.25);
  EXPECT_EQ(row.get_number(0), -7.0);
  EXPECT_EQ(row.get_number(1), 0.25);
}

TEST(Row, ListsTellEmptyFromAbsent) {
  auto s = order_schema();
  Row row(s.get());
  EXPECT_FALSE(row.has(5));
  row.set_empty_list(5);
  EXPECT_TRUE(row.has(5));
  EXPECT_EQ(row.list_size(5), 0u);
  Row& item = row.add_list_element(5);
  EXPECT_EQ(item.schema(), s->field(5).element.get());
  EXPECT_EQ(row.list_size(5), 1u);
}

TEST(Row, ClearKeepsListElementsForReuse) {
  auto s = order_schema();
  Row row(s.get());
  fill_order(row, "o1", 3);
  const Row* first_element = &row.list_at(5, 0);
  row.clear();
  EXPECT_FALSE(row.has(5));
  EXPECT_EQ(row.list_size(5), 0u);
  Row& again = row.add_list_element(5);
  EXPECT_EQ(&again, first_element);  // the same element row, cleared
  EXPECT_FALSE(again.has(0));
}

TEST(Row, CopyFieldDeepCopiesListsAndStrings) {
  auto s = order_schema();
  Row from(s.get()), to(s.get());
  fill_order(from, "o1", 2);
  for (uint32_t i = 0; i < s->size(); ++i) to.copy_field(i, from, i);
  EXPECT_TRUE(to.equals(from)) << to.debug_string();
  from.clear();
  fill_order(from, "other", 1);  // reusing `from` must not change `to`
  EXPECT_EQ(to.get_string(0), "o1");
  ASSERT_EQ(to.list_size(5), 2u);
  EXPECT_EQ(to.list_at(5, 1).get_string(0), "p1");
  to.copy_field(3, from, 3);  // absent copies as absent
  EXPECT_FALSE(to.has(3));
}

TEST(Row, CopyFieldCopiesEmptyListsAndWithinOneRow) {
  auto element = Schema::Builder("e").add("x", FieldType::kInt64).build();
  auto s = Schema::Builder("two")
               .add("a", FieldType::kList, element)
               .add("b", FieldType::kList, element)
               .add("s", FieldType::kString)
               .add("t", FieldType::kString)
               .build();
  Row row(s.get()), other(s.get());
  row.set_empty_list(0);
  other.copy_field(0, row, 0);
  EXPECT_TRUE(other.has(0));
  EXPECT_EQ(other.list_size(0), 0u);
  for (int i = 0; i < 40; ++i) row.add_list_element(0).set_int(0, i);
  row.copy_field(1, row, 0);
  row.set_string(2, "self");
  row.copy_field(3, row, 2);
  ASSERT_EQ(row.list_size(1), 40u);
  EXPECT_EQ(row.list_at(1, 39).get_int(0), 39);
  EXPECT_EQ(row.get_string(3), "self");
}

TEST(Row, CopiesAndMovesAreIndependentRows) {
  auto s = order_schema();
  Row original(s.get());
  fill_order(original, "o1", 2);
  Row copy = original;
  EXPECT_TRUE(copy.equals(original));
  original.clear();
  fill_order(original, "o2", 1);
  EXPECT_EQ(copy.get_string(0), "o1");
  EXPECT_EQ(copy.list_size(5), 2u);
  Row moved = std::move(copy);
  EXPECT_EQ(moved.get_string(0), "o1");
  EXPECT_EQ(moved.list_at(5, 1).get_int(1), 2);
  Row assigned;
  assigned = moved;
  EXPECT_TRUE(assigned.equals(moved));
}

TEST(Row, EqualsComparesPresenceValuesListsAndTombstones) {
  auto s = order_schema();
  Row a(s.get()), b(s.get());
  EXPECT_TRUE(a.equals(b));
  fill_order(a, "o1", 2);
  fill_order(b, "o1", 2);
  EXPECT_TRUE(a.equals(b));
  b.set_null(4);
  EXPECT_FALSE(a.equals(b));
  b.set_double(4, 12.5);
  b.add_list_element(5);
  EXPECT_FALSE(a.equals(b));
  Row c(s.get());
  fill_order(c, "o1", 2);
  c.set_tombstone(true);
  EXPECT_FALSE(a.equals(c));
  auto x = Schema::Builder("x").add("id", FieldType::kString).build();
  Row other_schema(x.get());
  EXPECT_FALSE(a.equals(other_schema));
}

TEST(Row, DebugStringShowsPresentFieldsAndListElements) {
  auto s = order_schema();
  Row row(s.get());
  fill_order(row, "o1", 1);
  EXPECT_EQ(row.debug_string(), R"({id="o1", price=12.5, items=[{productId="p0", quantity=1}]})");
  row.set_tombstone(true);
  EXPECT_EQ(row.debug_string().rfind("DELETE{", 0), 0u);
}

TEST(Row, ResetToAnotherSchemaRebindsAndClears) {
  auto s = order_schema();
  auto t = Schema::Builder("t").add("x", FieldType::kBool).build();
  Row row(s.get());
  fill_order(row, "o1", 1);
  row.set_tombstone(true);
  row.reset(t.get());
  EXPECT_EQ(row.schema(), t.get());
  EXPECT_FALSE(row.has(0));
  EXPECT_FALSE(row.tombstone());
  row.set_bool(0, true);
  EXPECT_TRUE(row.get_bool(0));
}

}  // namespace
}  // namespace sluice::serde
