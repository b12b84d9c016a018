// Graphs held together by std::unique_ptr keep their shape: cycles closed by
// a raw back pointer, self loops, raw edges to earlier and later nodes of a
// vector of unique_ptrs (forward references), trees with parent pointers.
#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "graphs/graph_test_util.hpp"
#include "respawn/respawn.hpp"

namespace respawn_test {
namespace {

struct B;

struct A {
  std::string name;
  std::unique_ptr<B> b;
};

struct B {
  std::string name;
  A* back = nullptr;
  B* self = nullptr;
};

struct Node {
  int id = 0;
  std::vector<Node*> edges;
  Node* self = nullptr;
};

struct Graph {
  std::vector<std::unique_ptr<Node>> nodes;
  Node* entry = nullptr;
};

struct RefBeforeOwner {
  Node* ref = nullptr;  // written first: introduces the node
  std::unique_ptr<Node> owner;
};

struct Tree {
  std::string label;
  Tree* parent = nullptr;
  std::vector<std::unique_ptr<Tree>> children;
};

struct Leaf;

// A set element that owns a child pointing back at the element.
struct Branch {
  int key = 0;
  std::unique_ptr<Leaf> leaf;
  friend bool operator<(const Branch& a, const Branch& b) { return a.key < b.key; }
};

struct Leaf {
  std::string name;
  Branch* branch = nullptr;  // not const Branch*: loading a pointer to const does not compile
};

}  // namespace
}  // namespace respawn_test

namespace rt = respawn_test;

template <>
struct respawn::policy<rt::A> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::A::name, "name"), respawn::serialize(&rt::A::b, "b"));
};
template <>
struct respawn::policy<rt::B> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::B::name, "name"), respawn::serialize(&rt::B::back, "back"),
                      respawn::serialize(&rt::B::self, "self"));
};
template <>
struct respawn::policy<rt::Node> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Node::id, "id"), respawn::serialize(&rt::Node::edges, "edges"),
                      respawn::serialize(&rt::Node::self, "self"));
};
template <>
struct respawn::policy<rt::Graph> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Graph::nodes, "nodes"),
                                                 respawn::serialize(&rt::Graph::entry, "entry"));
};
template <>
struct respawn::policy<rt::RefBeforeOwner> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::RefBeforeOwner::ref, "ref"),
                                                 respawn::serialize(&rt::RefBeforeOwner::owner, "owner"));
};
template <>
struct respawn::policy<rt::Tree> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Tree::label, "label"),
                                                 respawn::serialize(&rt::Tree::parent, "parent"),
                                                 respawn::serialize(&rt::Tree::children, "children"));
};

template <>
struct respawn::policy<rt::Branch> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Branch::key, "key"),
                                                 respawn::serialize(&rt::Branch::leaf, "leaf"));
};
template <>
struct respawn::policy<rt::Leaf> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Leaf::name, "name"),
                                                 respawn::serialize(&rt::Leaf::branch, "branch"));
};

namespace respawn_test {
namespace {

TEST(OwnershipTest, CycleThroughUniquePtrAndRawBackPointer) {
  A original;
  original.name = "a";
  original.b = std::make_unique<B>();
  original.b->name = "b";
  original.b->back = &original;
  original.b->self = original.b.get();

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(loaded->b, nullptr);
  EXPECT_EQ(loaded->b->name, "b");
  EXPECT_EQ(loaded->b->back, loaded.get());
  EXPECT_EQ(loaded->b->self, loaded->b.get());
}

TEST(OwnershipTest, CycleBelowTheRoot) {
  Holder<std::unique_ptr<A>> original;
  original.value = std::make_unique<A>();
  original.value->b = std::make_unique<B>();
  original.value->b->back = original.value.get();

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(loaded->value, nullptr);
  ASSERT_NE(loaded->value->b, nullptr);
  EXPECT_EQ(loaded->value->b->back, loaded->value.get());
  EXPECT_EQ(loaded->value->b->self, nullptr);
}

// Saves and loads `original`, then checks that every edge of every node leads
// to the node with the same index as in the original.
void ExpectSameShape(const Graph& original) {
  std::map<const Node*, std::ptrdiff_t> original_index;
  for (std::size_t i = 0; i < original.nodes.size(); ++i) original_index[original.nodes[i].get()] = i;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->nodes.size(), original.nodes.size());
  std::map<const Node*, std::ptrdiff_t> loaded_index;
  for (std::size_t i = 0; i < loaded->nodes.size(); ++i) loaded_index[loaded->nodes[i].get()] = i;
  ASSERT_EQ(loaded_index.size(), loaded->nodes.size()) << "restored nodes are not distinct objects";

  auto index_of = [](const std::map<const Node*, std::ptrdiff_t>& index, const Node* node) -> std::ptrdiff_t {
    if (node == nullptr) return -1;
    const auto found = index.find(node);
    return found == index.end() ? -2 : found->second;
  };
  for (std::size_t i = 0; i < original.nodes.size(); ++i) {
    const Node& o = *original.nodes[i];
    ASSERT_NE(loaded->nodes[i], nullptr);
    const Node& l = *loaded->nodes[i];
    EXPECT_EQ(l.id, o.id);
    EXPECT_EQ(index_of(loaded_index, l.self), index_of(original_index, o.self)) << "self of node " << i;
    ASSERT_EQ(l.edges.size(), o.edges.size()) << "node " << i;
    for (std::size_t e = 0; e < o.edges.size(); ++e) {
      EXPECT_EQ(index_of(loaded_index, l.edges[e]), index_of(original_index, o.edges[e]))
          << "edge " << e << " of node " << i;
    }
  }
  EXPECT_EQ(index_of(loaded_index, loaded->entry), index_of(original_index, original.entry)) << "entry";
}

TEST(OwnershipTest, EdgesToEarlierAndLaterNodes) {
  Graph graph;
  for (int i = 0; i < 5; ++i) graph.nodes.push_back(std::make_unique<Node>(Node{i, {}, nullptr}));
  auto node = [&](int i) { return graph.nodes[i].get(); };
  node(0)->edges = {node(4), node(1)};  // forward references
  node(1)->edges = {node(0), node(2), nullptr};
  node(2)->edges = {node(2)};  // an edge to itself
  node(3)->edges = {node(4), node(4), node(0)};
  node(4)->edges = {node(3), node(1)};  // backward references
  node(2)->self = node(2);
  graph.entry = node(3);
  ExpectSameShape(graph);
}

TEST(OwnershipTest, NullUniquePtrsAmongNodes) {
  Graph graph;
  graph.nodes.push_back(std::make_unique<Node>(Node{0, {}, nullptr}));
  graph.nodes.push_back(nullptr);
  graph.nodes.push_back(std::make_unique<Node>(Node{2, {}, nullptr}));
  graph.nodes[0]->edges = {graph.nodes[2].get()};
  const auto loaded = RoundTrip(graph);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->nodes.size(), 3u);
  EXPECT_EQ(loaded->nodes[1], nullptr);
  ASSERT_NE(loaded->nodes[0], nullptr);
  ASSERT_EQ(loaded->nodes[0]->edges.size(), 1u);
  EXPECT_EQ(loaded->nodes[0]->edges[0], loaded->nodes[2].get());
}

TEST(OwnershipTest, EntryPointerWrittenAfterOwnersAndLargeRandomGraph) {
  Graph graph;
  std::mt19937 random(12345);
  constexpr int kNodes = 2000;
  for (int i = 0; i < kNodes; ++i) graph.nodes.push_back(std::make_unique<Node>(Node{i * 3, {}, nullptr}));
  std::uniform_int_distribution<int> pick(-1, kNodes - 1);
  for (auto& node : graph.nodes) {
    const int degree = pick(random) % 6 + 1;
    for (int e = 0; e < degree; ++e) {
      const int target = pick(random);
      node->edges.push_back(target < 0 ? nullptr : graph.nodes[target].get());
    }
    if (pick(random) % 4 == 0) node->self = node.get();
  }
  graph.entry = graph.nodes[kNodes / 2].get();
  ExpectSameShape(graph);
}

TEST(OwnershipTest, RawPointerWrittenBeforeTheUniquePtrThatOwnsItsTarget) {
  RefBeforeOwner original;
  original.owner = std::make_unique<Node>(Node{7, {}, nullptr});
  original.owner->self = original.owner.get();
  original.ref = original.owner.get();

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(loaded->owner, nullptr);
  EXPECT_EQ(loaded->ref, loaded->owner.get());
  EXPECT_EQ(loaded->owner->self, loaded->owner.get());
  EXPECT_EQ(loaded->owner->id, 7);
}

TEST(OwnershipTest, ChildOfASetElementPointsBackToTheElementInTheSet) {
  std::set<Branch> original;
  for (int key = 0; key < 3; ++key) {
    const auto [it, inserted] = original.insert(Branch{key, std::make_unique<Leaf>(Leaf{"leaf", nullptr})});
    it->leaf->branch = const_cast<Branch*>(&*it);
  }
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->size(), 3u);
  for (const Branch& branch : *loaded) {
    ASSERT_NE(branch.leaf, nullptr);
    EXPECT_EQ(branch.leaf->branch, &branch) << "branch " << branch.key;
  }
}

void BuildTree(Tree& tree, int depth, const std::string& label) {
  tree.label = label;
  if (depth == 0) return;
  for (int i = 0; i < 3; ++i) {
    auto child = std::make_unique<Tree>();
    child->parent = &tree;
    BuildTree(*child, depth - 1, label + "." + std::to_string(i));
    tree.children.push_back(std::move(child));
  }
}

int CheckTree(const Tree& tree, const Tree* parent, const std::string& label) {
  EXPECT_EQ(tree.parent, parent) << label;
  EXPECT_EQ(tree.label, label);
  int count = 1;
  for (std::size_t i = 0; i < tree.children.size(); ++i) {
    count += CheckTree(*tree.children[i], &tree, label + "." + std::to_string(i));
  }
  return count;
}

TEST(OwnershipTest, TreeWithParentPointers) {
  Tree original;
  BuildTree(original, 4, "root");
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(CheckTree(*loaded, nullptr, "root"), 1 + 3 + 9 + 27 + 81);
}

}  // namespace
}  // namespace respawn_test
