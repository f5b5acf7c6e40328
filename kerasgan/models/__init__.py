"""The GAN families. Each builds its generator and discriminator from a few arguments."""

from kerasgan.models.conditional import ACGAN, ConditionalGAN, SemiSupervisedGAN
from kerasgan.models.dcgan import DCGAN
from kerasgan.models.toy import GaussianGAN
from kerasgan.models.vanilla import VanillaGAN
from kerasgan.models.wgan_gp import WGANGP

__all__ = ["ACGAN", "ConditionalGAN", "DCGAN", "GaussianGAN", "SemiSupervisedGAN", "VanillaGAN", "WGANGP"]
