// Nothing: the source of kubeproof_pch, the target that owns the precompiled header the folders of
// lib/ reuse (cmake/Layers.cmake, kubeproof_shared_pch).
