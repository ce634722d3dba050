#include "html/html_tree.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace nm {

// Every block gumbo holds, in one list: the tree is freed by walking the list,
// never gumbo_destroy_output (which recurses over the tree).
struct HtmlTree::Allocations {
  struct alignas(alignof(std::max_align_t)) Block {
    Block* prev;
    Block* next;
    size_t size;
  };
  Block head{&head, &head, 0};
  size_t bytes = 0;
  size_t budget = 0;

  static void* Allocate(void* self, size_t size) {
    auto* a = static_cast<Allocations*>(self);
    // Beyond the budget the parse stops: the exception unwinds through gumbo's
    // C frames (they hold no resources of their own; every block is in this
    // list) to the HtmlTree constructor.
    if (size > a->budget - a->bytes) throw std::bad_alloc();
    auto* b = static_cast<Block*>(std::malloc(sizeof(Block) + size));
    if (!b) throw std::bad_alloc();
    b->size = size;
    b->prev = &a->head;
    b->next = a->head.next;
    a->head.next->prev = b;
    a->head.next = b;
    a->bytes += size;
    return b + 1;
  }

  static void Deallocate(void* self, void* ptr) {
    if (!ptr) return;
    auto* a = static_cast<Allocations*>(self);
    Block* b = static_cast<Block*>(ptr) - 1;
    b->prev->next = b->next;
    b->next->prev = b->prev;
    a->bytes -= b->size;
    std::free(b);
  }

  ~Allocations() {
    for (Block* b = head.next; b != &head;) {
      Block* next = b->next;
      std::free(b);
      b = next;
    }
  }
};

namespace {

// Gumbo's memory for a page: a generous multiple of the input (a normal page
// takes 10 to 20 times its size), at least enough for any small one.
constexpr size_t kBaseBudget = size_t{64} << 20;
constexpr size_t kBudgetPerByte = 64;
constexpr size_t kMaxBudget = size_t{512} << 20;

GumboVector* ChildrenOf(GumboNode* n) {
  if (n->type == GUMBO_NODE_DOCUMENT) return &n->v.document.children;
  if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) return &n->v.element.children;
  return nullptr;
}

// Elements whose text no reader shows.
bool IsHidden(const GumboNode* n) {
  if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return false;
  GumboTag t = n->v.element.tag;
  return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_NOSCRIPT;
}

bool IsTextNode(const GumboNode* n) {
  return n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA;
}

}  // namespace

HtmlTree::HtmlTree(std::string_view html, const HtmlParseOptions& options) {
  NestingLimit limited = LimitHtmlNesting(html);
  // The tree's original_tag and original_text point into its input: a
  // bounded copy lives as long as the tree.
  if (limited.changed) limited_ = std::move(limited.html);
  std::string_view input = limited.changed ? std::string_view(limited_) : html;
  flattened_ = limited.changed;
  allocations_ = new Allocations();
  allocations_->budget = options.memory_budget
                             ? options.memory_budget
                             : std::min(kMaxBudget, kBaseBudget + kBudgetPerByte * input.size());
  GumboOptions gumbo = kGumboDefaultOptions;
  gumbo.allocator = &Allocations::Allocate;
  gumbo.deallocator = &Allocations::Deallocate;
  gumbo.userdata = allocations_;
  gumbo.max_errors = 0;  // nobody reads them, and each holds a copy of the stack
  if (options.fragment) {
    gumbo.fragment_context = GUMBO_TAG_DIV;
    gumbo.fragment_namespace = GUMBO_NAMESPACE_HTML;
  }
  try {
    output_ = gumbo_parse_with_options(&gumbo, input.data(), input.size());
    Flatten();
  } catch (...) {
    delete allocations_;
    throw;
  }
}

HtmlTree::~HtmlTree() { delete allocations_; }

// Any element still deeper than kMaxHtmlDepth (the tree builder's implied
// table rows and its adoption agency can add a few levels to what
// LimitHtmlNesting counted) keeps only the text below it, in order, without
// that of scripts and styles.
void HtmlTree::Flatten() {
  struct Item {
    GumboNode* node;
    size_t depth;  // elements from the root down to `node`, itself included
  };
  std::vector<Item> stack{{output_->document, 0}};
  std::vector<GumboNode*> texts, pending;
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    GumboVector* kids = ChildrenOf(item.node);
    if (!kids) continue;
    if (item.depth < kMaxHtmlDepth) {
      for (unsigned i = 0; i < kids->length; ++i) stack.push_back({static_cast<GumboNode*>(kids->data[i]), item.depth + 1});
      continue;
    }
    bool has_elements = false;
    for (unsigned i = 0; i < kids->length && !has_elements; ++i) {
      has_elements = ChildrenOf(static_cast<GumboNode*>(kids->data[i])) != nullptr;
    }
    if (!has_elements) continue;
    texts.clear();
    pending.clear();
    for (unsigned i = kids->length; i-- > 0;) pending.push_back(static_cast<GumboNode*>(kids->data[i]));
    while (!pending.empty()) {
      GumboNode* n = pending.back();
      pending.pop_back();
      if (IsTextNode(n)) {
        texts.push_back(n);
      } else if (IsHidden(n)) {
        continue;  // script or style text is no text to show
      } else if (GumboVector* inner = ChildrenOf(n)) {
        for (unsigned i = inner->length; i-- > 0;) pending.push_back(static_cast<GumboNode*>(inner->data[i]));
      }
    }
    void** data = static_cast<void**>(Allocations::Allocate(allocations_, (texts.size() + 1) * sizeof(void*)));
    for (size_t i = 0; i < texts.size(); ++i) {
      data[i] = texts[i];
      texts[i]->parent = item.node;
      texts[i]->index_within_parent = i;
    }
    kids->data = data;
    kids->length = static_cast<unsigned>(texts.size());
    kids->capacity = static_cast<unsigned>(texts.size() + 1);
    flattened_ = true;
  }
}

}  // namespace nm
