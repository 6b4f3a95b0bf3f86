#pragma once
// A grammar architecture's deduplicating key (issue 28 item 2): two derivations get the same key when they
// describe the same computation, so that a search never spends an evaluation on a network it has trained
// under another name. After NAS-Bench-201's CellStructure.to_unique_str(consider_zero=True) (what
// Nb201Cell::iso_key computes), for every topology of the network builder (graphs/spaces/grammar/
// grammar_network.h): a topology's node is the sum of what its incoming edges carry, a multiset of terms (the
// order does not matter, and sums flatten: an identity edge passes a sum on as its terms); an edge carries
// its operation applied to its source's value, where zero (none) carries "#", an operation on a source that
// is exactly "#" carries "#", and identity (skip_connect) carries the source's value. NB201's string does not
// flatten a sum that an identity edge passes into a sorted list of terms, so this key merges a few more of
// the flat NB201 grammar's cells: every NB201 class lies within one of its classes. Terms the builder does
// not know as topologies or operations (a grammar searched with a command objective) are kept as written:
// name and arguments in order.
//
// Values are 64-bit hashes of their terms with multiplicities, not written-out expressions: a residual
// repeats its source in both branches, and chained cells of identity edges would double a sum per node.
#include <cstdint>

#include "graphs/spaces/grammar/derivation.h"

namespace tnas {

// The hash of the network `term` computes from its input.
uint64_t network_key(const TermTree& term);

}  // namespace tnas
