"""Compiled inner loops of the engine (numba): scoring a block of cells, the certificate's pass, and the
maximum matchings of the fairness goal (`grow_matching`, Hopcroft-Karp).

Pure numba/numpy, no Django. These are the two loops that touch every cell or every feasible pair of a large
round; written as plain loops they run in one pass with no temporaries, where the numpy formulas take about
forty passes over memory. They compute exactly what the numpy code computes (`scoring.Scorer._components`
and `_score`; `pruning._solve_rows`' check): the same float64 operations in the same order, integer
products as integers, so the scores are bit for bit the same (tests compare the two on every path).

Compiled once per machine: `cache=True` keeps the machine code beside this file (`__pycache__`), so only
the first run after an install pays the compile time (a few seconds). All functions release the GIL
(`nogil`), so the engine's scoring threads run them in parallel.
"""

import numba as nb
import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import types
from numba.extending import intrinsic
from scipy import sparse

# Score component slots in `weights`, in engine.COMPONENTS order (the order of the float sum).
INTERESTS, GOALS, SUBJECTS, AVAILABILITY, LANGUAGE, BACKGROUND, SEMANTIC, REQUEST, PRIORITY = range(9)


@intrinsic
def _popcount(typingctx, value):
    """Set bits of a uint64 (the processor's popcnt instruction)."""
    if value != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        function = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)])
        return builder.call(function, args)

    return types.int64(types.uint64), codegen


@nb.njit(cache=True, nogil=True, inline="always")
def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, 0 where the denominator is 0 (as engine._ratio)."""
    if denominator > 0:
        return numerator / denominator
    return 0.0


@nb.njit(cache=True, nogil=True, inline="always")
def _weighted_shared(bits_a, bits_b, i, j, weight_planes):
    """Sum of the integer tag weights of the tags both rows have, branch-free: weight_planes[word, b] has
    the tags whose weight has bit b set, so the sum is sum_b 2**b * |shared tags in plane b|."""
    total = 0
    for word in range(bits_a.shape[1]):
        both = bits_a[i, word] & bits_b[j, word]
        for plane in range(weight_planes.shape[1]):
            total += _popcount(both & weight_planes[word, plane]) << plane
    return float(total)


def weight_planes(weights: npt.NDArray[np.int64], words: int) -> npt.NDArray[np.uint64]:
    """Bit planes of non-negative integer tag weights for `_weighted_shared`: (words, planes) uint64."""
    planes = max(1, int(weights.max(initial=0)).bit_length())
    out = np.zeros((max(1, words), planes), np.uint64)
    for tag, weight in enumerate(weights.tolist()):
        for plane in range(planes):
            if weight >> plane & 1:
                out[tag // 64, plane] |= np.uint64(1) << np.uint64(tag % 64)
    return out


@nb.njit(cache=True, nogil=True, inline="always")
def _shared_count(bits_a, bits_b, i, j):
    count = 0
    for word in range(bits_a.shape[1]):
        count += _popcount(bits_a[i, word] & bits_b[j, word])
    return count


@nb.njit(cache=True, nogil=True, boundscheck=False)
def score_block(
    mentees,  # int64 (rows,): global mentee indexes, ascending
    mentors,  # int64 (width,): global mentor indexes, ascending
    col_value,  # int64 (width,): what to store for a pair with mentor mentors[k]
    availability_a,  # uint64 per person
    availability_b,
    languages_a,
    languages_b,
    background_a,
    background_b,
    min_slots,  # int64; -1 when the rule is off
    shared_language,  # the rule is on (then the language component is 1 for every feasible pair)
    banned,  # int64 sorted local cell keys r * width + k excluded by pair rules (avoid, never rematch...)
    requested,  # int64 sorted local cell keys the mentee requested
    interest_a,  # uint64 (n, words): interest bit sets
    interest_b,
    idf_planes,  # uint64 (words, planes): the integer tag weights as bit planes (`weight_planes`)
    interest_total_a,  # float64 per person: the idf sum of their tags
    interest_total_b,
    goals_a,
    goals_b,
    goal_count_a,  # float64 per mentee
    subjects_a,
    subjects_b,
    subject_count_a,
    slot_count_a,  # float64 per mentee
    dots,  # float32 (rows, width): integer dot products of the quantised embeddings (empty: no semantic)
    norm_a,  # float64 per person: norms of the quantised embeddings
    norm_b,
    priority_a,  # bool per mentee
    weights,  # float64 (9,) in engine.COMPONENTS order; 0 skips a component
    out_col,  # (rows * width,) int32: col_value of each feasible pair, mentee by mentee
    out_score,  # (rows * width,) int64: its score
    per_mentee,  # int64 (rows,): feasible pairs of each mentee
) -> int:
    """Feasible pairs of the cell block mentees x mentors and their integer scores; returns their count.

    The per-person, school and grade rules already hold for every cell (engine.Scorer._fast_tasks); the
    cell rules (shared free slots, shared language, pair rules) are checked here, row by row: first a
    branch-free pass that lists the columns passing the slot and language rules, then the components of
    those pairs only.
    """
    width = mentors.size
    everything = ~np.uint64(0)
    free_b = np.empty(width, np.uint64)  # this block's mentors, contiguous
    language_test_b = np.empty(width, np.uint64)
    for k in range(width):
        free_b[k] = availability_b[mentors[k]]
        language_test_b[k] = languages_b[mentors[k]] if shared_language else everything
    candidates = np.empty(width, np.int64)
    semantic = weights[SEMANTIC] > 0
    count = 0
    ban_at = 0
    request_at = 0
    for r in range(mentees.size):
        i = mentees[r]
        start = count
        free_a = availability_a[i]
        language_a = languages_a[i] if shared_language else everything
        listed = 0
        for k in range(width):  # branch-free: the processor need not guess which cells pass
            candidates[listed] = k
            passes = (_popcount(free_a & free_b[k]) >= min_slots) & ((language_a & language_test_b[k]) != 0)
            listed += passes
        back_a = background_a[i]
        for c in range(listed):
            k = candidates[c]
            j = mentors[k]
            key = r * width + k
            while ban_at < banned.size and banned[ban_at] < key:
                ban_at += 1
            if ban_at < banned.size and banned[ban_at] == key:
                continue
            # Components in engine.COMPONENTS order, each added as weight * component (a weight of 0 adds
            # nothing, as the numpy path leaves the component out).
            total = 0.0
            if weights[INTERESTS] > 0:
                shared = _weighted_shared(interest_a, interest_b, i, j, idf_planes)
                union = interest_total_a[i] + interest_total_b[j] - shared
                total += weights[INTERESTS] * _ratio(shared, union)
            if weights[GOALS] > 0:
                shared_goals = float(_shared_count(goals_a, goals_b, i, j))
                total += weights[GOALS] * _ratio(shared_goals, goal_count_a[i])
            if weights[SUBJECTS] > 0:
                shared_subjects = float(_shared_count(subjects_a, subjects_b, i, j))
                total += weights[SUBJECTS] * _ratio(shared_subjects, subject_count_a[i])
            if weights[AVAILABILITY] > 0:
                slots = float(_popcount(free_a & free_b[k]))
                total += weights[AVAILABILITY] * _ratio(slots, slot_count_a[i])
            if weights[LANGUAGE] > 0:
                common = shared_language or (languages_a[i] & languages_b[j]) != 0
                total += weights[LANGUAGE] * (1.0 if common else 0.0)
            if weights[BACKGROUND] > 0:
                back_b = background_b[j]
                both = 0.0
                if back_a != 0 and back_b != 0:
                    both = float(_popcount(back_a & back_b))
                total += weights[BACKGROUND] * _ratio(both, float(_popcount(back_a | back_b)))
            if semantic:
                similarity = _ratio(float(dots[r, k]), norm_a[i] * norm_b[j])
                total += weights[SEMANTIC] * min(max(similarity, 0.0), 1.0)
            if weights[REQUEST] > 0:
                while request_at < requested.size and requested[request_at] < key:
                    request_at += 1
                if request_at < requested.size and requested[request_at] == key:
                    total += weights[REQUEST] * 1.0
            if weights[PRIORITY] > 0 and priority_a[i]:
                total += weights[PRIORITY] * 1.0
            out_col[count] = col_value[k]
            out_score[count] = np.rint(total * 1000.0)
            count += 1
        per_mentee[r] = count - start
    return count


def bits_from_csr(matrix: object, words: int) -> npt.NDArray[np.uint64]:
    """Rows of a 0/1 CSR matrix as bit sets of `words` uint64 words (bit t of word t // 64 = column t)."""
    csr = sparse.csr_array(matrix)
    out = np.zeros((csr.shape[0], max(1, words)), np.uint64)
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    cols = csr.indices.astype(np.int64)
    np.bitwise_or.at(out, (rows, cols // 64), np.left_shift(np.uint64(1), (cols % 64).astype(np.uint64)))
    return out


# --- The certified solver's passes (pruning._solve_rows) -------------------------------------------------


@nb.njit(cache=True, nogil=True, inline="always")
def _offer(keys, positions, filled, key, position):
    """Offer (key, position) to a row's best list, kept sorted by key descending, then position ascending;
    positions arrive ascending, so an equal key goes after those already listed. Returns the new length."""
    size = keys.size
    if filled == size and key <= keys[size - 1]:
        return filled
    at = min(filled, size - 1)
    while at > 0 and keys[at - 1] < key:
        at -= 1
    last = min(filled, size - 1)
    for q in range(last, at, -1):
        keys[q] = keys[q - 1]
        positions[q] = positions[q - 1]
    keys[at] = key
    positions[at] = position
    return min(filled + 1, size)


@nb.njit(cache=True, nogil=True, boundscheck=False)
def top_k_rows(r0, r1, indptr, key, top):
    """For rows r0..r1-1 of row-sorted values: the positions of the k = top.shape[1] largest `key` of each
    row (ties: the first positions), into top[row] (-1 where a row has fewer)."""
    k = top.shape[1]
    keys = np.empty(k, np.int64)
    positions = np.empty(k, np.int64)
    for row in range(r0, r1):
        filled = 0
        for p in range(indptr[row], indptr[row + 1]):
            filled = _offer(keys, positions, filled, np.int64(key[p]), p)
        for q in range(k):
            top[row, q] = positions[q] if q < filled else -1


@nb.njit(cache=True, nogil=True, boundscheck=False)
def check_prices(r0, r1, indptr, cols, weights, col_price, row_price, worst, violators, top):
    """The certificate's check for rows r0..r1-1: slack(p) = weights[p] - col_price[cols[p]] - row_price[row].
    Writes each row's largest slack clipped at 0 (worst), how many pairs have slack > 0 (violators), and the
    positions of its k = top.shape[1] largest positive slacks (ties: the first positions; -1 pads)."""
    k = top.shape[1]
    keys = np.empty(k, np.int64)
    positions = np.empty(k, np.int64)
    for row in range(r0, r1):
        price = row_price[row]
        largest = np.int64(0)
        hits = 0
        for p in range(indptr[row], indptr[row + 1]):
            slack = np.int64(weights[p]) - col_price[cols[p]] - price
            largest = max(largest, slack)
            hits += slack > 0
        worst[row] = largest
        violators[row] = hits
        filled = 0
        if hits:
            for p in range(indptr[row], indptr[row + 1]):
                slack = np.int64(weights[p]) - col_price[cols[p]] - price
                if slack > 0:
                    filled = _offer(keys, positions, filled, slack, p)
        for q in range(k):
            top[row, q] = positions[q] if q < filled else -1


@nb.njit(cache=True, nogil=True, boundscheck=False)
def shortest_distances(indptr, heads, costs):
    """Exact shortest distances in a graph (node a's arcs: heads/costs[indptr[a]:indptr[a + 1]], integer
    costs, no negative cycle) from a virtual root joined to every node by a cost-0 arc, so every distance
    starts at 0. Bellman-Ford with a queue of the nodes whose distance dropped (each node at most once in
    it). Without a negative cycle every node's current path has at most `nodes` arcs (the root's included);
    a longer one holds a cycle, which can only be negative, and raises. (Counting the drops of a node's
    distance instead is no test: with parallel arcs it may drop more than `nodes` times.)"""
    nodes = indptr.size - 1
    distance = np.zeros(nodes, np.int64)
    queued = np.ones(nodes, np.bool_)
    arcs = np.ones(nodes, np.int64)  # arcs on each node's current path from the root
    queue = np.empty(nodes + 1, np.int64)  # a ring: each node at most once in it
    for node in range(nodes):
        queue[node] = node
    head, size = 0, nodes
    while size:
        a = queue[head]
        head = head + 1 if head < nodes else 0
        size -= 1
        queued[a] = False
        for arc in range(indptr[a], indptr[a + 1]):
            b = heads[arc]
            reach = distance[a] + costs[arc]
            if reach < distance[b]:
                distance[b] = reach
                arcs[b] = arcs[a] + 1
                if arcs[b] > nodes:
                    raise RuntimeError("negative cycle in a residual graph")
                if not queued[b]:
                    queued[b] = True
                    tail = head + size
                    queue[tail if tail <= nodes else tail - nodes - 1] = b
                    size += 1
    return distance


@nb.njit(cache=True, nogil=True, boundscheck=False)
def place_rows(cols, scores, per_row, destination, out_cols, out_scores):
    """Copy row after row of pairs (per_row[r] pairs each, in order) to out[destination[r]:...]."""
    p = 0
    for r in range(per_row.size):
        start = destination[r]
        for q in range(per_row[r]):
            out_cols[start + q] = cols[p]
            out_scores[start + q] = scores[p]
            p += 1


@nb.njit(cache=True, nogil=True, boundscheck=False)
def grow_matching(indptr, cols, scores, floor, cap, slot_start, slot_mentee, load, mate_pos, target, dist):
    """Make a matching maximum on the pairs of score >= `floor` (row i's pairs: positions
    indptr[i]..indptr[i + 1] - 1 to mentor cols[p]; mentor j takes at most cap[j] rows), in place, and
    return how many rows it matches. Stops early once `target` rows are matched (an upper bound).

    The matching: mate_pos[i] is row i's pair position or -1; mentor j's rows are slot_mentee[slot_start[j]
    : slot_start[j] + load[j]]. It may come from a lower floor: its pairs below `floor` are dropped first.
    Then a greedy pass, then Hopcroft-Karp phases: a breadth-first search from every unmatched row over
    alternating paths gives each row its distance (`dist`, scratch), then depth-first searches along
    rising distances find shortest augmenting paths that share no row. A phase whose search reaches no
    mentor with room proves the matching maximum (no augmenting path exists)."""
    n = indptr.size - 1
    m = cap.size
    count = 0
    for i in range(n):  # drop pairs below the floor (the mentor's last row fills the gap)
        p = mate_pos[i]
        if p < 0:
            continue
        if scores[p] >= floor:
            count += 1
            continue
        j = cols[p]
        first = slot_start[j]
        for q in range(first, first + load[j]):
            if slot_mentee[q] == i:
                last = first + load[j] - 1
                slot_mentee[q] = slot_mentee[last]
                load[j] -= 1
                break
        mate_pos[i] = -1
    for i in range(n):  # greedy: the first pair to a mentor with room
        if count >= target:
            return count
        if mate_pos[i] >= 0:
            continue
        for p in range(indptr[i], indptr[i + 1]):
            j = cols[p]
            if scores[p] >= floor and load[j] < cap[j]:
                slot_mentee[slot_start[j] + load[j]] = i
                load[j] += 1
                mate_pos[i] = p
                count += 1
                break
    queue = np.empty(n, np.int64)
    expanded = np.zeros(m, np.int64)  # phase stamp: the mentor's rows were queued in this phase
    stack_row = np.empty(n, np.int64)  # the search path: rows, their pair position, and the next slot
    stack_pos = np.empty(n, np.int64)  # of that pair's mentor to try (-1: not inside a mentor yet)
    stack_next = np.empty(n, np.int64)
    stack_slot = np.empty(n, np.int64)  # the slot through which each row was reached (-1 for the root)
    dead = n + 1  # distance of rows that need no second visit in a phase
    phase = 0
    while count < target:
        phase += 1
        size = 0
        for i in range(n):
            if mate_pos[i] < 0:
                dist[i] = 0
                queue[size] = i
                size += 1
            else:
                dist[i] = -1
        limit = dead  # the distance of the first row with a pair to a mentor with room
        head = 0
        while head < size:
            i = queue[head]
            head += 1
            if dist[i] >= limit:
                break
            for p in range(indptr[i], indptr[i + 1]):
                if scores[p] < floor:
                    continue
                j = cols[p]
                if load[j] < cap[j]:
                    limit = dist[i]
                elif expanded[j] != phase:
                    expanded[j] = phase
                    for q in range(slot_start[j], slot_start[j] + load[j]):
                        child = slot_mentee[q]
                        if dist[child] < 0:
                            dist[child] = dist[i] + 1
                            queue[size] = child
                            size += 1
        if limit == dead:
            break  # no augmenting path: maximum
        for root in range(n):
            if count >= target:
                break
            if mate_pos[root] >= 0 or dist[root] != 0:
                continue
            depth = 0
            stack_row[0], stack_pos[0], stack_next[0], stack_slot[0] = root, indptr[root], -1, -1
            free_slot = -1
            while depth >= 0 and free_slot < 0:
                i = stack_row[depth]
                pushed = False
                while True:
                    p = stack_pos[depth]
                    if stack_next[depth] >= 0:  # inside mentor cols[p]: its next row one step further
                        j = cols[p]
                        q = stack_next[depth]
                        end = slot_start[j] + load[j]
                        while q < end and dist[slot_mentee[q]] != dist[i] + 1:
                            q += 1
                        if q < end:
                            stack_next[depth] = q + 1
                            child = slot_mentee[q]
                            depth += 1
                            stack_row[depth], stack_pos[depth] = child, indptr[child]
                            stack_next[depth], stack_slot[depth] = -1, q
                            pushed = True
                            break
                        stack_next[depth] = -1
                        stack_pos[depth] = p + 1
                        continue
                    if p >= indptr[i + 1] or dist[i] > limit:
                        break
                    if scores[p] < floor:
                        stack_pos[depth] = p + 1
                        continue
                    j = cols[p]
                    if load[j] < cap[j]:
                        free_slot = slot_start[j] + load[j]
                        load[j] += 1
                        break
                    stack_next[depth] = slot_start[j]
                if free_slot < 0 and not pushed:
                    dist[i] = dead  # no augmenting path through this row in this phase
                    depth -= 1
            if free_slot >= 0:  # augment: each row on the path takes the slot of the row after it
                slot = free_slot
                for level in range(depth, -1, -1):
                    row = stack_row[level]
                    slot_mentee[slot] = row
                    mate_pos[row] = stack_pos[level]
                    dist[row] = dead  # the paths of one phase share no row
                    slot = stack_slot[level]
                count += 1
    return count


@nb.njit(cache=True, nogil=True, boundscheck=False)
def keep_at_least(indptr, cols, scores, floor, out_indptr):
    """Drop the row-sorted pairs scoring below `floor`, in place: the kept pairs move to the front of `cols`
    and `scores` (each write lands at or before its read, so nothing is overwritten before it is read), and
    out_indptr gets the new row bounds. Returns how many pairs are kept."""
    kept = 0
    out_indptr[0] = 0
    for r in range(indptr.size - 1):
        for p in range(indptr[r], indptr[r + 1]):
            if scores[p] >= floor:
                cols[kept] = cols[p]
                scores[kept] = scores[p]
                kept += 1
        out_indptr[r + 1] = kept
    return kept
