"""The new recurrent and NLP functions agree with PyTorch whichever CPU kernels PyTorch uses.

PyTorch's CPU RNN, GRU and embedding paths can run through oneDNN (mkldnn) or its native kernels.
The oracle cases of the GRU, the bidirectional RNN and nlp.py are verified here with oneDNN turned
off and on, so that no case's expected value depends on which kernel computed it.
"""
import pytest
import torch

from oracle_cases import CASES
from oracle_kit import verify

NEW = ("rnn.gru_", "rnn.bidirectional_", "nlp.")
SELECTED = [c for c in CASES if c.function.startswith(NEW)]
# torch.backends.mkldnn.flags also sets a TF32 option that only Intel GPUs use, and says so each time.
pytestmark = pytest.mark.filterwarnings("ignore:TF32 acceleration on top of oneDNN:UserWarning")


@pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="this PyTorch build has no oneDNN")
@pytest.mark.parametrize("onednn", [False, True], ids=["native", "onednn"])
@pytest.mark.parametrize("case", SELECTED, ids=[c.id for c in SELECTED])
def test_solution_agrees_with_torch_on_both_kernel_settings(solution_modules, case, onednn):
    with torch.backends.mkldnn.flags(enabled=onednn):
        verify(solution_modules, case)


def test_the_new_functions_have_cases_here():
    assert {c.function for c in SELECTED} >= {"rnn.gru_forward", "rnn.bidirectional_rnn_forward", "nlp.tf_idf"}
